import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretResource } from '../../v1/secret.js';
import { SecretCipher, type SecretKeySource } from './cipher.js';
import { publicObject } from './public-view.js';
import { ForeignSealError, openSecret, storedSecretSpec } from './seal.js';

const keys = (cipher = new SecretCipher([{ id: 'k1', key: randomBytes(32) }])): SecretKeySource => ({ description: 'test', cipher: () => cipher });
const secret = (spec: Record<string, unknown>, name = 'db') =>
  SecretResource.parse({ apiVersion: 'berth.dev/v1', kind: 'Secret', metadata: { name, cluster: 'prod' }, spec });
const stored = (s: SecretResource, spec: ReturnType<typeof storedSecretSpec>) => ({ ...s, spec });

describe('storedSecretSpec', () => {
  const k = keys();
  const first = secret({ stringData: { password: 'pw' }, data: { cert: Buffer.from([0, 1, 2]).toString('base64') } });
  const kept = stored(first, storedSecretSpec(first, undefined, k));

  it('stores sizes and a seal, never data or stringData', () => {
    expect(kept.spec).toMatchObject({ type: 'Opaque', keys: { cert: 3, password: 2 } });
    expect(kept.spec.data).toBeUndefined();
    expect(kept.spec.stringData).toBeUndefined();
    expect(JSON.stringify(kept)).not.toContain('"pw"');
    expect(openSecret(kept, k)).toEqual({ cert: Buffer.from([0, 1, 2]), password: Buffer.from('pw') });
  });

  it.each([
    [
      'the same values again keep the stored seal (an apply that changes nothing writes nothing)',
      { stringData: { password: 'pw' }, data: { cert: 'AAEC' } },
      true,
    ],
    ['different values are sealed anew', { stringData: { password: 'other' } }, false],
    ['no values keep the stored seal and sizes (a label change)', {}, true],
  ])('%s', (_what, spec, same) => {
    const next = storedSecretSpec(secret(spec), kept, k);
    expect(next.sealed === kept.spec.sealed || JSON.stringify(next.sealed) === JSON.stringify(kept.spec.sealed)).toBe(same);
  });

  it('stringData wins over data for the same key', () => {
    const s = secret({ data: { a: Buffer.from('from-data').toString('base64') }, stringData: { a: 'from-string' } });
    expect(openSecret(stored(s, storedSecretSpec(s, undefined, k)), k).a?.toString()).toBe('from-string');
  });

  it('a seal brought from another secret is refused; one of its own (a restore) is taken', () => {
    const other = secret({ stringData: { x: 'y' } }, 'other');
    const foreign = storedSecretSpec(other, undefined, k).sealed;
    expect(() => storedSecretSpec(secret({ sealed: foreign }), undefined, k)).toThrow(ForeignSealError);
    const restored = storedSecretSpec(secret({ sealed: kept.spec.sealed }), undefined, k);
    expect(restored.keys).toEqual({ cert: 3, password: 2 });
  });
});

describe('publicObject', () => {
  it('shows names and sizes, never values or the seal', () => {
    const k = keys();
    const s = secret({ stringData: { password: 'hunter2' } });
    const view = publicObject(stored(s, storedSecretSpec(s, undefined, k)));
    expect(view.spec).toEqual({ type: 'Opaque', keys: { password: 7 } });
    // A manifest's values (a dry run, a diff) are shown the same way.
    expect(publicObject(s).spec).toEqual({ type: 'Opaque', keys: { password: 7 } });
  });
});
