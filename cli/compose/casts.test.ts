import { describe, expect, it } from 'vitest';
import { ComposeCastError, castValue } from './casts.js';

describe('castValue', () => {
  it.each([
    [['services', 'web', 'deploy', 'replicas'], '3', 3],
    [['services', 'web', 'scale'], ' 2 ', 2],
    [['services', 'web', 'ports', 0, 'target'], '8080', 8080],
    [['services', 'web', 'ulimits', 'nofile', 'soft'], '1024', 1024],
    [['services', 'web', 'healthcheck', 'retries'], '5', 5],
    [['services', 'web', 'init'], 'true', true],
    [['services', 'web', 'read_only'], 'no', false],
    [['services', 'web', 'env_file', 0, 'required'], 'false', false],
    // Not a typed place: stays a string (an image tag of digits is still a tag).
    [['services', 'web', 'image'], '1', '1'],
    [['services', 'web', 'environment', 'N'], '3', '3'],
    [['services', 'web', 'mem_limit'], '512m', '512m'],
  ] as const)('%j %j → %j', (path, value, want) => {
    expect(castValue([...path], value)).toBe(want);
  });

  it.each([
    [['services', 'web', 'deploy', 'replicas'], 'three', 'is not an integer'],
    [['services', 'web', 'deploy', 'replicas'], '1.5', 'is not an integer'],
    [['services', 'web', 'deploy', 'replicas'], '', 'is not an integer'],
    [['services', 'web', 'init'], 'maybe', 'is not a boolean'],
  ] as const)('%j %j is refused', (path, value, message) => {
    expect(() => castValue([...path], value)).toThrow(ComposeCastError);
    expect(() => castValue([...path], value)).toThrow(message);
  });
});
