import { describe, expect, it } from 'vitest';
import { scheduleOf } from './schedule.js';

describe('scheduleOf', () => {
  it.each([
    [{ 'server-kill': 2, 'etcd-restart': 1 }, 3],
    [{ 'agent-kill': 0, 'container-kill': 3 }, 3],
    [{}, 0],
  ] as const)('%o gives %i faults, every kind once before any twice', (counts, total) => {
    const schedule = scheduleOf(counts);
    expect(schedule).toHaveLength(total);
    const kinds = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k]) => k);
    expect(new Set(schedule.slice(0, kinds.length))).toEqual(new Set(kinds));
  });
});
