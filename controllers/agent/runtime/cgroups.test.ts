import { describe, expect, it } from 'vitest';
import { cgroupWrites, cpuQuotaUs } from './cgroups.js';

describe('task cgroups', () => {
  it.each<[number, number]>([
    [1024, 100_000],
    [256, 25_000],
    [4096, 400_000],
    [2, 1000], // the kernel's minimum quota
  ])('%i cpu units → a quota of %i µs per 100 ms', (units, quota) => {
    expect(cpuQuotaUs(units)).toBe(quota);
  });

  it.each<[string, Parameters<typeof cgroupWrites>[0], Parameters<typeof cgroupWrites>[1], ReturnType<typeof cgroupWrites>]>([
    [
      'v1: memory and cpu in their own hierarchies',
      1,
      { name: 't1', cpuUnits: 512, memoryMiB: 1024 },
      {
        dirs: ['memory/berth/t1', 'cpu/berth/t1'],
        files: [
          ['memory/berth/t1/memory.limit_in_bytes', String(1024 * 1024 * 1024)],
          ['cpu/berth/t1/cpu.cfs_period_us', '100000'],
          ['cpu/berth/t1/cpu.cfs_quota_us', '50000'],
        ],
      },
    ],
    [
      'v1: memory only',
      1,
      { name: 't1', memoryMiB: 512 },
      { dirs: ['memory/berth/t1', 'cpu/berth/t1'], files: [['memory/berth/t1/memory.limit_in_bytes', String(512 * 1024 * 1024)]] },
    ],
    [
      'v2: one tree, the controllers enabled down to the task',
      2,
      { name: 't1', cpuUnits: 2048, memoryMiB: 256 },
      {
        dirs: ['berth/t1'],
        files: [
          ['cgroup.subtree_control', '+cpu +memory'],
          ['berth/cgroup.subtree_control', '+cpu +memory'],
          ['berth/t1/memory.max', String(256 * 1024 * 1024)],
          ['berth/t1/cpu.max', '200000 100000'],
          ['berth/t1/cgroup.subtree_control', '+cpu +memory'],
        ],
      },
    ],
  ])('%s', (_what, version, request, want) => {
    expect(cgroupWrites(version, request)).toEqual(want);
  });
});
