import { describe, expect, it } from 'vitest';
import { lineSplitter } from './lines.js';

describe('lineSplitter', () => {
  it('gives whole lines however the chunks cut them, skipping blank ones and holding back the unfinished tail', () => {
    const lines: string[] = [];
    const feed = lineSplitter((l) => lines.push(l));
    feed('{"a":');
    expect(lines).toEqual([]);
    feed(Buffer.from('1}\n\n  {"b":2}  \n{"c"'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    feed(':3}\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});
