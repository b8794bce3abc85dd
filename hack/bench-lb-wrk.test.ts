import { describe, expect, it } from 'vitest';
import { failures, parseWrk } from './bench-lb-wrk.js';

const report = (extra: string, p50 = '282.00us', p99 = '67.81ms', requests = '20817') => `Running 3s test @ http://127.0.0.1:24990/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.17ms   12.23ms 147.50ms   93.87%
    Req/Sec     6.94k     7.49k   23.05k    83.33%
  Latency Distribution
     50%  ${p50}
     75%    2.74ms
     90%   10.42ms
     99%   ${p99}
  ${requests} requests in 3.06s, 2.80MB read
${extra}Requests/sec:   6796.50
Transfer/sec:      0.91MB
`;

describe('parseWrk', () => {
  it.each([
    { name: 'clean run', out: report(''), want: { requests: 20817, p50: 0.282, p99: 67.81, non2xx: 0, failed: 0, total: 20817 } },
    {
      name: 'non-2xx and socket errors',
      out: report('  Socket errors: connect 3, read 2, write 1, timeout 4\n  Non-2xx or 3xx responses: 5\n'),
      want: { requests: 20817, p50: 0.282, p99: 67.81, non2xx: 5, failed: 15, total: 20823 },
    },
    {
      name: 'seconds and k counts',
      out: report('', '1.50s', '2.00s', '1.20k'),
      want: { requests: 1200, p50: 1500, p99: 2000, non2xx: 0, failed: 0, total: 1200 },
    },
  ])('$name', ({ out, want }) => {
    const r = parseWrk(out);
    expect({ requests: r.requests, p50: r.p50, p99: r.p99, non2xx: r.non2xx, ...failures(r) }).toEqual(want);
    expect(r.requestsPerSecond).toBe(6796.5);
  });

  it('says what is missing from a report it cannot read', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(/no request count/);
  });
});
