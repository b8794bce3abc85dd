import { describe, expect, it } from 'vitest';
import { parseListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:7070', { host: '127.0.0.1', port: 7070 }],
    [':8080', { host: '0.0.0.0', port: 8080 }],
    ['[::1]:7070', { host: '::1', port: 7070 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
  ])('%s', (text, expected) => expect(parseListenAddress(text)).toEqual(expected));

  it.each(['7070', '127.0.0.1', 'host:70000', 'a:b'])('rejects %s with an example', (text) => {
    expect(() => parseListenAddress(text)).toThrow(/expected e\.g\. 127\.0\.0\.1:7070/);
  });
});
