import { describe, expect, it } from 'vitest';
import { ATTRIBUTES } from '../../api/v1/container-instance.js';
import { instanceAttributes } from './options.js';
import type { EngineInfo } from './runtime/types.js';

const info: EngineInfo = { cpus: 2, memoryBytes: 2 ** 31, os: 'Linux', arch: 'x86_64', engineVersion: '26.1.5' };

describe('instanceAttributes', () => {
  it.each<{ name: string; extra: Record<string, string>; hostAddress: string | undefined; expected: string | undefined }>([
    { name: 'no host address: none registered', extra: {}, hostAddress: undefined, expected: undefined },
    { name: '--host-address: registered for load balancers and discovery', extra: {}, hostAddress: '10.0.0.5', expected: '10.0.0.5' },
    { name: "the user's own attribute wins", extra: { [ATTRIBUTES.hostAddress]: '10.0.0.9' }, hostAddress: '10.0.0.5', expected: '10.0.0.9' },
  ])('$name', ({ extra, hostAddress, expected }) => {
    const attributes = instanceAttributes(info, extra, hostAddress);
    expect(attributes[ATTRIBUTES.hostAddress]).toBe(expected);
    expect(attributes[ATTRIBUTES.osType]).toBe('linux');
  });
});
