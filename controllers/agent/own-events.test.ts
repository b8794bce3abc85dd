import { describe, expect, it } from 'vitest';
import { OwnEngineEvents } from './own-events.js';

describe('OwnEngineEvents', () => {
  it('an event the agent set off is its own once; others, and other containers’, are not', async () => {
    const own = new OwnEngineEvents(() => 0);
    await own.around('start', 'c1', async () => undefined);
    expect(own.consume('die', 'c1')).toBe(false);
    expect(own.consume('start', 'c2')).toBe(false);
    expect(own.consume('start', 'c1')).toBe(true);
    expect(own.consume('start', 'c1')).toBe(false);
  });

  it('the event may come before the call returns', async () => {
    const own = new OwnEngineEvents(() => 0);
    let during: boolean | undefined;
    await own.around('die', 'c1', async () => {
      during = own.consume('die', 'c1');
    });
    expect(during).toBe(true);
  });

  it('a failed call expects nothing', async () => {
    const own = new OwnEngineEvents(() => 0);
    await expect(own.around('start', 'c1', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(own.consume('start', 'c1')).toBe(false);
  });

  it('an expectation never met lapses, so a later event of the container counts again', async () => {
    let now = 0;
    const own = new OwnEngineEvents(() => now, 1000);
    own.expect('die', 'c1'); // stopping a container that had already exited: no die comes
    own.expect('die', 'c2');
    now = 1500;
    expect(own.consume('die', 'c1')).toBe(false);
    own.expect('start', 'c3'); // expired ones are dropped as new ones arrive
    now = 1600;
    expect(own.consume('start', 'c3')).toBe(true);
  });
});
