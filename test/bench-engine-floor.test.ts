/**
 * The bench's engine floors (hack/bench-engine-floor.ts) on the real engine, at a small scale: the
 * start floor starts its containers, the update floor replaces them within its bounds, and neither
 * leaves anything behind.
 */
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { DockerEvent } from '../controllers/agent/runtime/docker-schemas.js';
import { engineEvents } from '../hack/bench-engine-events.js';
import { startFloor, updateFloor } from '../hack/bench-engine-floor.js';

const image = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';

const floorContainers = () => new Docker().listContainers({ all: true, filters: { label: ['berth-bench-floor'] } });

describe('the start floor', () => {
  it('starts its n containers, then removes them', async () => {
    const seen = await engineEvents({ type: ['container'], label: ['berth-bench-floor'] }, Date.now());
    try {
      expect(await startFloor(image, 3)).toBeGreaterThan(0);
      const ids = (events: readonly DockerEvent[], action: string) => new Set(events.filter((e) => e.Action === action).map((e) => e.Actor.ID));
      let started = new Set<string>();
      let destroyed = new Set<string>();
      await seen.until(
        '3 floor containers destroyed',
        (events) => {
          started = ids(events, 'start');
          destroyed = ids(events, 'destroy');
          return destroyed.size === 3;
        },
        30_000,
      );
      expect(started).toEqual(destroyed);
      expect(await floorContainers()).toEqual([]);
    } finally {
      seen.close();
    }
  }, 60_000);
});

describe('the rolling update floor', () => {
  it('stops an old container only after a new one is healthy, ends with every one replaced, and removes them all', async () => {
    const round = await updateFloor({ image, n: 3, healthIntervalS: 1, healthRetries: 3 });

    expect(round.newHealthyAt).toHaveLength(3);
    expect(round.oldDiedAt).toHaveLength(3);
    // The k-th old death follows the k-th new health: at no time fewer than 3 healthy containers.
    const healthy = [...round.newHealthyAt].sort((a, b) => a - b);
    const died = [...round.oldDiedAt].sort((a, b) => a - b);
    died.forEach((at, k) => expect(at).toBeGreaterThan(healthy[k] ?? Number.POSITIVE_INFINITY));
    // Docker probes a new container first one interval after its start.
    expect(healthy[0]).toBeGreaterThanOrEqual(1000);
    expect(round.seconds * 1000).toBeGreaterThanOrEqual(Math.max(...died));

    expect(await floorContainers()).toEqual([]);
  }, 60_000);
});
