import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFileSource, readKeyFile, SecretCipher, SecretOpenError, SecretsKeyError } from './cipher.js';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('SecretCipher', () => {
  it('opens what it sealed, for the same secret only', () => {
    const cipher = new SecretCipher([key('k1')]);
    const sealed = cipher.seal(Buffer.from('s3cret'), 'prod/db');
    expect(sealed.keyId).toBe('k1');
    expect(Buffer.from(sealed.ciphertext, 'base64').toString()).not.toContain('s3cret');
    expect(cipher.open(sealed, 'prod/db').toString()).toBe('s3cret');
    // Bound to cluster/name: a seal copied onto another secret does not open.
    expect(() => cipher.open(sealed, 'staging/db')).toThrow(SecretOpenError);
  });

  it('seals the same value differently each time (a fresh nonce)', () => {
    const cipher = new SecretCipher([key('k1')]);
    expect(cipher.seal(Buffer.from('x'), 'a/b').ciphertext).not.toBe(cipher.seal(Buffer.from('x'), 'a/b').ciphertext);
  });

  it('refuses a tampered ciphertext', () => {
    const cipher = new SecretCipher([key('k1')]);
    const sealed = cipher.seal(Buffer.from('value'), 'a/b');
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(() => cipher.open({ ...sealed, ciphertext: bytes.toString('base64') }, 'a/b')).toThrow(SecretOpenError);
  });

  it('rotates: the first key seals, older keys still open, a key no longer held is named', () => {
    const old = key('k1');
    const sealedOld = new SecretCipher([old]).seal(Buffer.from('v1'), 'a/b');
    const rotated = new SecretCipher([key('k2'), old]);
    expect(rotated.open(sealedOld, 'a/b').toString()).toBe('v1');
    expect(rotated.seal(Buffer.from('v2'), 'a/b').keyId).toBe('k2');
    expect(() => new SecretCipher([key('k3')]).open(sealedOld, 'a/b')).toThrow(/sealed with key "k1"/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretCipher([{ id: 'short', key: randomBytes(16) }])).toThrow(SecretsKeyError);
  });
});

describe('key files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'berth-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the embedded store makes its key file on first use, 0600, and keeps it', () => {
    const path = join(dir, 'secrets.key');
    const source = keyFileSource(path, { create: true });
    const sealed = source.cipher().seal(Buffer.from('v'), 'a/b');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(keyFileSource(path, { create: true }).cipher().open(sealed, 'a/b').toString()).toBe('v');
    expect(readFileSync(path, 'utf8')).toMatch(/^\{"keys":\[\{"id":"k-[0-9a-f]{8}","key":"/);
  });

  it('a server given a key file that does not exist says so and does not make one', () => {
    expect(() => keyFileSource(join(dir, 'missing.key'), { create: false }).cipher()).toThrow(/does not exist.*--secrets-key-file/);
  });

  it.each([
    ['world-readable', 0o644, JSON.stringify({ keys: [{ id: 'k', key: randomBytes(32).toString('base64') }] }), /mode 644.*chmod 600/],
    ['not JSON', 0o600, 'nope', /is not JSON/],
    ['no keys', 0o600, JSON.stringify({ keys: [] }), /at least one key/],
  ])('refuses a key file that is %s', (_what, mode, content, message) => {
    const path = join(dir, 'k.key');
    writeFileSync(path, content);
    chmodSync(path, mode);
    expect(() => readKeyFile(path)).toThrow(message);
  });
});
