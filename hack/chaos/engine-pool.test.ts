import { describe, expect, it } from 'vitest';
import { inCidr, poolBase } from './engine.js';

describe("the chaos engine's address pool", () => {
  it.each([
    ['10.229.4.1', 'base=10.229.0.0/16,size=24', true],
    ['10.229.255.254', 'base=10.229.0.0/16,size=24', true],
    ['10.230.0.1', 'base=10.229.0.0/16,size=24', false],
    ['172.17.0.1', 'base=10.229.0.0/16,size=24', false],
    ['10.231.7.1', 'size=24,base=10.231.0.0/16', true],
    ['192.168.1.1', 'base=192.168.0.0/24,size=28', false],
    ['192.168.0.200', 'base=192.168.0.0/24,size=28', true],
  ])('%s in %s: %s', (address, pool, inside) => {
    expect(inCidr(address, poolBase(pool))).toBe(inside);
  });

  it('names a pool without a base', () => {
    expect(() => poolBase('size=24')).toThrow(/size=24" has no base=/);
  });
});
