import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { applyHeapGrowth, DEFAULT_HEAP_GROWTH_PERCENT, HEAP_GROWTH_ENV } from './heap-growth.js';

describe('applyHeapGrowth', () => {
  it.each([
    ['unset: the default', {}, [`--heap-growing-percent=${DEFAULT_HEAP_GROWTH_PERCENT}`]],
    ['empty: the default', { [HEAP_GROWTH_ENV]: ' ' }, [`--heap-growing-percent=${DEFAULT_HEAP_GROWTH_PERCENT}`]],
    ['a percent', { [HEAP_GROWTH_ENV]: '200' }, ['--heap-growing-percent=200']],
    ["0: V8's own heuristic, no flag", { [HEAP_GROWTH_ENV]: '0' }, []],
  ])('%s', (_name, env, flags) => {
    const set: string[] = [];
    applyHeapGrowth(env, (f) => set.push(f));
    expect(set).toEqual(flags);
  });

  it.each(['lots', '-5', '1.5', '5000'])('refuses %s, naming the variable and what to do', (value) => {
    expect(() => applyHeapGrowth({ [HEAP_GROWTH_ENV]: value }, () => undefined)).toThrow(
      new RegExp(`${HEAP_GROWTH_ENV}="${value.replace('.', '\\.')}" is not a whole number from 0 to 1000`),
    );
  });

  it('names a flag this Node’s V8 has (V8 ignores flags it does not know, silently)', () => {
    expect(execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })).toContain('--heap-growing-percent');
  });
});
