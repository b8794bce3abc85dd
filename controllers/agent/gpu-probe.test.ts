import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpusIn, probeGpus } from './gpu-probe.js';
import { instanceResources } from './options.js';

describe('GPU probe', () => {
  it.each([
    [[], 0],
    [['null', 'tty0', 'nvidiactl', 'nvidia-uvm', 'nvidia-modeset'], 0],
    [['nvidia0', 'nvidiactl', 'nvidia-uvm'], 1],
    [['nvidia0', 'nvidia1', 'nvidia10', 'nvidia-caps'], 3],
  ])('%j has %i GPUs', (entries, n) => {
    expect(gpusIn(entries)).toBe(n);
  });

  it('reads a directory; a missing one has none', () => {
    const dev = mkdtempSync(join(tmpdir(), 'dev-'));
    for (const f of ['nvidia0', 'nvidia1', 'nvidiactl']) writeFileSync(join(dev, f), '');
    expect(probeGpus(dev)).toBe(2);
    expect(probeGpus(join(dev, 'absent'))).toBe(0);
  });

  it.each([
    [0, undefined, 0],
    [2, undefined, 2],
    [0, 4, 4],
  ])('the instance registers the probed %i GPUs unless told %s: %i', (probed, told, gpu) => {
    const info = { cpus: 2, memoryBytes: 1024 * 1024 * 1024 };
    expect(instanceResources(info, told === undefined ? {} : { gpu: told }, probed)).toEqual({ cpu: 2048, memory: 1024, gpu });
  });
});
