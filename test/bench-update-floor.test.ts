/**
 * The rolling update's floor (hack/bench-update-floor.ts) on the real engine, at a small scale: it
 * replaces the containers within its bounds and leaves nothing behind.
 */
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { updateFloor } from '../hack/bench-update-floor.js';

const image = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';

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

    const left = await new Docker().listContainers({ all: true, filters: { label: ['berth-bench-floor'] } });
    expect(left).toEqual([]);
  }, 60_000);
});
