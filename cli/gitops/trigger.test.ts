/** The GitOps trigger against real files: debounced, rename-safe, ignores non-manifests, never overlaps. */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rootLogger } from '../../api/log.js';
import { SyncTrigger } from './trigger.js';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SyncTrigger', () => {
  let trigger: SyncTrigger | undefined;
  afterEach(async () => {
    await trigger?.stop();
    trigger = undefined;
  });

  async function start(intervalMs = 0, syncMs = 0) {
    const dir = mkdtempSync(join(tmpdir(), 'berth-gitops-'));
    const reasons: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    trigger = new SyncTrigger({
      dir,
      debounceMs: 100,
      intervalMs,
      log: rootLogger,
      sync: async (reason) => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        reasons.push(reason);
        await settle(syncMs);
        concurrent--;
      },
    });
    await trigger.start();
    await trigger.idle();
    return { dir, reasons, maxConcurrent: () => maxConcurrent };
  }

  it('syncs once at start, then once per burst of changes', async () => {
    const { dir, reasons } = await start();
    expect(reasons).toEqual(['start']);
    for (let i = 0; i < 10; i++) writeFileSync(join(dir, `svc-${i}.yaml`), `# ${i}\n`);
    await settle(400);
    await trigger?.idle();
    expect(reasons).toHaveLength(2);
  });

  it('sees an editor-style save (write a temp file, rename it over the manifest) and deletions', async () => {
    const { dir, reasons } = await start();
    writeFileSync(join(dir, 'web.yaml'), 'a: 1\n');
    await settle(400);
    writeFileSync(join(dir, '.web.yaml.swp'), 'a: 2\n');
    renameSync(join(dir, '.web.yaml.swp'), join(dir, 'web.yaml'));
    await settle(400);
    rmSync(join(dir, 'web.yaml'));
    await settle(400);
    await trigger?.idle();
    expect(reasons.length).toBeGreaterThanOrEqual(4);
    expect(reasons.at(-1)).toMatch(/^unlink .*web\.yaml$/);
  });

  it('ignores files that are not manifests', async () => {
    const { dir, reasons } = await start();
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    await settle(400);
    expect(reasons).toEqual(['start']);
  });

  it('re-syncs on the interval and never runs two syncs at once', async () => {
    const { dir, reasons, maxConcurrent } = await start(150, 120);
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    await settle(700);
    expect(reasons.filter((r) => r === 'interval').length).toBeGreaterThanOrEqual(2);
    expect(maxConcurrent()).toBe(1);
  });

  it('retries a failed sync with growing delays; ticks and changes meanwhile wait for the retry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-gitops-'));
    const calls: { reason: string; at: number }[] = [];
    let failuresLeft = 3;
    const t0 = Date.now();
    trigger = new SyncTrigger({
      dir,
      debounceMs: 20,
      intervalMs: 50,
      backoff: { initialMs: 100, maxMs: 300 },
      log: rootLogger,
      sync: async (reason) => {
        calls.push({ reason, at: Date.now() - t0 });
        if (failuresLeft-- > 0) throw new Error('server down');
      },
    });
    await trigger.start();
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    await settle(800);
    // start fails, then retries after 100, 200 and 300 ms (capped) of backoff, none in between
    // although the interval ticked every 50 ms and a file changed.
    const failing = calls.slice(0, 4);
    expect(failing.map((c) => c.reason)).toEqual(['start', 'retry', 'retry', 'retry']);
    const gaps = failing.slice(1).map((c, i) => c.at - (failing[i]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
    expect(gaps[2]).toBeGreaterThanOrEqual(295);
    // Once it succeeds, the interval is back.
    expect(calls.slice(4).some((c) => c.reason === 'interval')).toBe(true);
  });
});
