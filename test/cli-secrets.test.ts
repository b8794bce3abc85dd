/**
 * Secrets through the real binary against a real `berth up` (embedded store, its key file made in
 * the data dir on first use): create from literals and files, get/describe/diff/-o yaml show names
 * and sizes only, apply keeps the values out of the last-applied record and says "unchanged" when
 * nothing changed, and the values are sealed in the store's files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertFreshBuild, startCliEnv, type CliEnv } from './cli-harness.js';

let env: CliEnv;
const berth = (...args: string[]) => env.berth(args);
const VALUES = ['lit-value-1', 'file-value-2', 'yaml-value-3', 'yaml-value-4'];

beforeAll(async () => {
  assertFreshBuild([
    'cli/commands/create.ts',
    'cli/commands/actions/create-secret.ts',
    'cli/apply/prepare.ts',
    'cli/output/diff-view.ts',
    'api/usecases/secrets/public-view.ts',
  ]);
  env = await startCliEnv();
}, 60_000);
afterAll(() => env?.stop());

it('never prints, records or stores a value in the clear', async () => {
  const file = await env.write('tls.key', 'file-value-2');
  const created = await berth('create', 'secret', 'db', '--from-literal', 'password=lit-value-1', '--from-file', `key=${file}`);
  expect(created).toMatchObject({ code: 0, stdout: 'secret/db created\n' });
  expect((await berth('create', 'secret', 'empty')).stderr).toMatch(/--from-literal KEY=VALUE or --from-file/);

  const manifest = await env.write(
    'secret.yaml',
    'apiVersion: berth.dev/v1\nkind: Secret\nmetadata: { name: app }\nspec:\n  stringData: { token: yaml-value-3 }\n  data: { other: ' +
      Buffer.from('yaml-value-4').toString('base64') +
      ' }\n',
  );
  expect((await berth('apply', '-f', manifest)).stdout).toMatch(/secret\/app created/);
  expect((await berth('apply', '-f', manifest)).stdout).toMatch(/secret\/app unchanged/);
  expect((await berth('diff', '-f', manifest)).stdout).toBe('');

  const shown = await Promise.all([
    berth('get', 'secrets'),
    berth('get', 'secret', 'app', '-o', 'yaml'),
    berth('get', 'secret', 'db', '-o', 'json'),
    berth('describe', 'secret', 'db'),
  ]);
  expect(shown[0]?.stdout).toMatch(/NAME\s+TYPE\s+DATA\s+AGE\n(app\s+Opaque\s+2.*\n)(db\s+Opaque\s+2)/);
  expect(shown[3]?.stdout).toMatch(/Data:\n {2}key:\s+12 bytes\n {2}password:\s+11 bytes/);
  const lastApplied = shown[1]?.stdout ?? '';
  expect(lastApplied).toContain('berth.dev/last-applied-configuration');
  for (const out of shown)
    for (const value of [...VALUES, Buffer.from('yaml-value-4').toString('base64')]) expect(out.stdout + out.stderr).not.toContain(value);

  // A changed value is applied (the server compares the values it holds).
  await env.write('secret.yaml', 'apiVersion: berth.dev/v1\nkind: Secret\nmetadata: { name: app }\nspec:\n  stringData: { token: yaml-value-5 }\n');
  expect((await berth('apply', '-f', manifest)).stdout).toMatch(/secret\/app configured/);
  expect((await berth('get', 'secret', 'app', '-o', 'jsonpath={.spec.keys}')).stdout).toBe('{"token":12}');

  // The embedded store's files and its key file.
  const data = join(env.dir, 'data');
  expect(statSync(join(data, 'secrets.key')).mode & 0o777).toBe(0o600);
  const storeDir = join(data, 'store');
  for (const f of readdirSync(storeDir)) {
    const bytes = readFileSync(join(storeDir, f));
    for (const value of [...VALUES, 'yaml-value-5']) expect(bytes.includes(value), `${f} holds ${value}`).toBe(false);
  }
}, 60_000);
