/**
 * TLS by default beyond loopback, as a user meets it: the real `berth up` listening on every
 * interface makes a CA and a server certificate in its data dir, serves https, and records the CA
 * in the CLI config it writes, so `berth` commands trust it; a client without the CA is told what
 * to do.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, runBerth } from './cli-harness.js';
import { berthEnv, startBerthUp, tempDir, type BerthProcess } from './support/berth-process.js';

describe('berth up beyond loopback', () => {
  let dir: string;
  let config: string;
  let up: BerthProcess;
  beforeAll(async () => {
    assertFreshBuild(['cmd/server-tls.ts', 'cmd/up.ts', 'api/client/errors.ts', 'cli/commands/global-options.ts']);
    dir = tempDir('berth-tls-up-');
    config = join(dir, 'config');
    up = await startBerthUp(['up', '--data-dir', join(dir, 'data'), '--listen', '0.0.0.0:0', '--no-agent'], config);
  }, 30_000);
  afterAll(async () => {
    up?.client.close();
    up?.child.kill('SIGTERM');
    await up?.exited;
  });

  it('serves https with a CA it made in the data dir (keys 0600) and records the CA in the CLI config', async () => {
    expect(up.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const written = JSON.parse(readFileSync(config, 'utf8')) as { contexts: { caFile?: string }[] };
    expect(written.contexts[0]?.caFile).toBe(join(dir, 'data', 'tls', 'ca.crt'));
    for (const key of ['ca.key', 'server.key']) expect(statSync(join(dir, 'data', 'tls', key)).mode & 0o777).toBe(0o600);
    expect(up.output()).toMatch(/serving https with a certificate signed by berth's CA .*ca\.crt/);
    const got = await runBerth(['get', 'clusters'], { env: berthEnv(config) });
    expect(got).toMatchObject({ code: 0 });
    expect(got.stdout).toMatch(/^default\b/m);
  });

  it('a client without the CA is refused and told to give it with --ca-file or BERTH_CA; with it, it works', async () => {
    const bare = join(dir, 'bare-config');
    writeFileSync(bare, JSON.stringify({ server: up.url, token: up.token }), { mode: 0o600 });
    const refused = await runBerth(['get', 'clusters'], { env: berthEnv(bare) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not signed by a CA this client trusts: give the CA certificate with --ca-file FILE or BERTH_CA=FILE/);
    const caFile = join(dir, 'data', 'tls', 'ca.crt');
    expect(await runBerth(['get', 'clusters', '--ca-file', caFile], { env: berthEnv(bare) })).toMatchObject({ code: 0 });
    expect(await runBerth(['get', 'clusters'], { env: { ...berthEnv(bare), BERTH_CA: caFile } })).toMatchObject({ code: 0 });
  });

  it('a client speaking plain http to it is told to use https', async () => {
    const plain = await runBerth(['get', 'clusters', '--server', up.url.replace(/^https:/, 'http:')], { env: berthEnv(config) });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/use an https:\/\/ address/);
  });
});
