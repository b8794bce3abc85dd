import { describe, expect, it } from 'vitest';
import { loadOnce } from './load-once.js';

describe('loadOnce', () => {
  it('loads nothing until first called, then once, however often it is called', () => {
    let loads = 0;
    const get = loadOnce(() => ({ n: ++loads }));
    expect(loads).toBe(0);
    const first = get();
    expect(get()).toBe(first);
    expect(loads).toBe(1);
  });

  it('keeps a promise: concurrent first callers share one load', async () => {
    let loads = 0;
    const get = loadOnce(async () => ++loads);
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    expect(loads).toBe(1);
  });
});
