import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../api/auth/principal.js';
import { servedAs } from './lb.js';

const lbToken: Principal = { name: 'edge-a', role: 'lb', cluster: 'prod' };
const admin: Principal = { name: 'ops', role: 'admin' };

describe('berth lb: the cluster served and the name reported under', () => {
  it.each([
    { who: admin, flags: {}, want: { name: hostname(), cluster: 'default' } },
    { who: admin, flags: { name: 'edge-z', cluster: 'prod' }, want: { name: 'edge-z', cluster: 'default' } },
    { who: lbToken, flags: {}, want: { name: 'edge-a', cluster: 'prod' } },
    { who: lbToken, flags: { name: 'edge-a', cluster: 'prod' }, want: { name: 'edge-a', cluster: 'prod' } },
  ])('$who.role with $flags', ({ who, flags, want }) => {
    // The connection already resolved --cluster into the cluster passed here, for tokens of other roles.
    expect(servedAs(flags, who, 'default')).toEqual(want);
  });

  it.each([
    [{ name: 'edge-b' }, /--name edge-b: this lb token reports as edge-a/],
    [{ cluster: 'dev' }, /--cluster dev: this lb token serves cluster prod/],
  ])('an lb token with %o is an error', (flags, message) => {
    expect(() => servedAs(flags, lbToken, 'default')).toThrow(message);
  });
});
