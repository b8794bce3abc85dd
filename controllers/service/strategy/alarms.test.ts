import { describe, expect, it } from 'vitest';
import { breaches, queryValues } from './alarms.js';

describe('deployment alarms', () => {
  it.each([
    ['GreaterThanThreshold', 5, 5, false],
    ['GreaterThanThreshold', 6, 5, true],
    ['GreaterThanOrEqualToThreshold', 5, 5, true],
    ['LessThanThreshold', 4, 5, true],
    ['LessThanOrEqualToThreshold', 6, 5, false],
  ] as const)('%s: %s against %s breaches: %s', (op, value, threshold, expected) => {
    expect(breaches(op, value, threshold)).toBe(expected);
  });

  it.each([
    [
      'a vector',
      {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: {}, value: [1, '0.5'] },
            { metric: {}, value: [1, '2'] },
          ],
        },
      },
      [0.5, 2],
    ],
    ['a scalar', { status: 'success', data: { resultType: 'scalar', result: [1, '3'] } }, [3]],
    ['no data', { status: 'success', data: { resultType: 'vector', result: [] } }, []],
    ['an error', { status: 'error', error: 'bad query' }, 'the query answer is not a Prometheus vector or scalar'],
  ])('reads %s', (_, answer, expected) => {
    expect(queryValues(answer)).toEqual(expected);
  });
});
