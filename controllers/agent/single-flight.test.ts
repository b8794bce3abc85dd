import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('shares one run between concurrent calls of a key, and runs again once it settled', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const work = async () => ++runs;
    expect(await Promise.all([flight.run('a', work), flight.run('a', work), flight.run('b', work)])).toEqual([1, 1, 2]);
    expect(await flight.run('a', work)).toBe(3);
  });

  it('shares a failure the same way, and does not keep it', async () => {
    const flight = new SingleFlight<void>();
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('no');
    };
    const results = await Promise.allSettled([flight.run('a', failing), flight.run('a', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(flight.run('a', failing)).rejects.toThrow('no');
    expect(runs).toBe(2);
  });
});
