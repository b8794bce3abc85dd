import { describe, expect, it } from 'vitest';
import { cpuUnitsBetween, memoryInUse, taskUtilization } from './utilization.js';

const MIB = 1024 * 1024;

describe('cpuUnitsBetween', () => {
  it.each([
    { name: 'one core busy for a second', previous: { at: 1000, cpuNanos: 0 }, next: { at: 2000, cpuNanos: 1e9 }, units: 1024 },
    { name: 'half a core', previous: { at: 0, cpuNanos: 5e8 }, next: { at: 2000, cpuNanos: 1.5e9 }, units: 512 },
    { name: 'two cores', previous: { at: 0, cpuNanos: 0 }, next: { at: 500, cpuNanos: 1e9 }, units: 2048 },
    { name: 'idle', previous: { at: 0, cpuNanos: 7 }, next: { at: 1000, cpuNanos: 7 }, units: 0 },
    { name: 'a restarted container (counter went back)', previous: { at: 0, cpuNanos: 9e9 }, next: { at: 1000, cpuNanos: 1e6 }, units: undefined },
    { name: 'the same reading twice', previous: { at: 1000, cpuNanos: 0 }, next: { at: 1000, cpuNanos: 5 }, units: undefined },
  ])('$name → $units units', ({ previous, next, units }) => {
    expect(cpuUnitsBetween(previous, next)).toBe(units);
  });
});

describe('memoryInUse', () => {
  it.each([
    { name: 'usage less the inactive page cache', usage: 100 * MIB, inactive: 30 * MIB, used: 70 * MIB },
    { name: 'no cache figure (an engine that gives none)', usage: 100 * MIB, inactive: undefined, used: 100 * MIB },
    { name: 'a cache figure above the usage is ignored', usage: 10 * MIB, inactive: 20 * MIB, used: 10 * MIB },
  ])('$name', ({ usage, inactive, used }) => {
    expect(memoryInUse(usage, inactive)).toBe(used);
  });
});

describe('taskUtilization (ECS CPUUtilization / MemoryUtilization)', () => {
  it.each([
    {
      name: 'a busy task at its reservation',
      containers: [{ cpuUnits: 256, memoryBytes: 64 * MIB }],
      reserved: { cpu: 256, memory: 128 },
      want: { cpuUsed: 256, memoryUsed: 64, cpuUtilization: 100, memoryUtilization: 50 },
    },
    {
      name: 'bursting above its reservation',
      containers: [{ cpuUnits: 1024, memoryBytes: 16 * MIB }],
      reserved: { cpu: 256, memory: 128 },
      want: { cpuUtilization: 400, memoryUtilization: 12.5 },
    },
    {
      name: 'two containers summed',
      containers: [
        { cpuUnits: 100, memoryBytes: 10 * MIB },
        { cpuUnits: 28, memoryBytes: 22 * MIB },
      ],
      reserved: { cpu: 512, memory: 64 },
      want: { cpuUsed: 128, memoryUsed: 32, cpuUtilization: 25, memoryUtilization: 50 },
    },
    {
      name: 'nothing reserved: usage only, no percentages',
      containers: [{ cpuUnits: 50, memoryBytes: MIB }],
      reserved: { cpu: 0, memory: 0 },
      want: { cpuUsed: 50, memoryUsed: 1, cpuUtilization: undefined, memoryUtilization: undefined },
    },
    {
      name: 'a container without a second sample yet counts its memory, not its cpu',
      containers: [
        { cpuUnits: 10, memoryBytes: MIB },
        { cpuUnits: undefined, memoryBytes: MIB },
      ],
      reserved: { cpu: 100, memory: 4 },
      want: { cpuUsed: 10, memoryUsed: 2, cpuUtilization: 10, memoryUtilization: 50 },
    },
  ])('$name', ({ containers, reserved, want }) => {
    const got = taskUtilization({ task: 't', service: 'web', containers, reserved });
    expect(got).toMatchObject({ task: 't', service: 'web', cpuReserved: reserved.cpu, memoryReserved: reserved.memory });
    for (const [field, value] of Object.entries(want)) expect(got?.[field as keyof typeof want], field).toBe(value);
  });

  it('reports nothing before any container has two samples', () => {
    expect(taskUtilization({ task: 't', containers: [{ cpuUnits: undefined, memoryBytes: MIB }], reserved: { cpu: 1, memory: 1 } })).toBeUndefined();
  });
});
