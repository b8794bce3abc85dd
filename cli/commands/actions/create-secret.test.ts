import { describe, expect, it } from 'vitest';
import { prepareManifest } from '../../apply/prepare.js';
import { LAST_APPLIED_ANNOTATION } from '../../apply/constants.js';
import { secretData } from './create-secret.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const files: Record<string, string> = { '/tmp/tls.key': 'KEY', '/tmp/a.env': 'A=1' };
const read = (path: string) => {
  const content = files[path];
  if (content === undefined) throw new Error(`ENOENT: ${path}`);
  return Buffer.from(content);
};

describe('secretData (berth create secret)', () => {
  it.each([
    ['literals', ['a=1', 'b=x=y'], [], { a: b64('1'), b: b64('x=y') }],
    ['a file under its own name', [], ['/tmp/tls.key'], { 'tls.key': b64('KEY') }],
    ['a file under a key', [], ['k=/tmp/a.env'], { k: b64('A=1') }],
  ])('%s', (_what, literals, paths, data) => {
    expect(secretData(literals, paths, read)).toEqual(data);
  });

  it.each([
    ['a literal without =', ['novalue'], [], /expected KEY=VALUE/],
    ['a key given twice', ['a=1', 'a=2'], [], /key "a" is given twice/],
    ['an invalid key', ['a b=1'], [], /not a valid key/],
    ['a missing file', [], ['/tmp/nope'], /--from-file \/tmp\/nope: ENOENT/],
  ])('refuses %s, naming the flag', (_what, literals, paths, message) => {
    expect(() => secretData(literals, paths, read)).toThrow(message);
  });
});

it("apply keeps a Secret's values out of the last-applied record, and sends them", () => {
  const m = prepareManifest(
    {
      raw: { apiVersion: 'berth.dev/v1', kind: 'Secret', metadata: { name: 'db' }, spec: { stringData: { password: 'hunter2' }, data: { k: b64('hunter3') } } },
      source: { file: 's.yaml', line: 1 },
    },
    { fieldManager: 'berth', defaultCluster: 'default' },
  );
  const record = m.object.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? '';
  expect(JSON.parse(record)).toMatchObject({ kind: 'Secret', spec: {} });
  expect(record).not.toContain('hunter2');
  expect(record).not.toContain(b64('hunter3'));
  expect(m.applied.spec).toEqual({ stringData: { password: 'hunter2' }, data: { k: b64('hunter3') } });
});
