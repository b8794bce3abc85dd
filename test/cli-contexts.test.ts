/**
 * Contexts through the built binary: two `berth up` installations sharing one CLI config file (as two
 * on one machine share ~/.berth/config), a config file from before contexts kept through it all,
 * switching with use-context, --context and BERTH_CONTEXT, and set-/delete-context.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, lines, runBerth, type CliResult } from './cli-harness.js';
import { berthEnv, startBerthUp, tempDir, type BerthProcess } from './support/berth-process.js';

assertFreshBuild(['cli/commands/actions/config.ts', 'cli/contexts.ts', 'api/client/contexts.ts', 'cmd/up.ts']);

/** Nothing listens on it (the test's own port range): the legacy entry is never dialled. */
const LEGACY_SERVER = 'http://127.0.0.1:25201';

describe('CLI contexts', () => {
  const dir = tempDir('berth-clictx-');
  const config = join(dir, 'config');
  const running: BerthProcess[] = [];
  const berth = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => runBerth(args, { env: { ...berthEnv(config), ...env }, cwd: dir });
  const up = async (name: string) => {
    const p = await startBerthUp(['up', '--data-dir', join(dir, name, 'data'), '--listen', '127.0.0.1:0', '--no-agent'], config);
    running.push(p);
    return p;
  };
  const contexts = () => JSON.parse(readFileSync(config, 'utf8')) as { currentContext?: string; contexts: { name: string; server: string; token?: string }[] };
  let a: BerthProcess;
  let b: BerthProcess;

  beforeAll(async () => {
    writeFileSync(config, JSON.stringify({ server: LEGACY_SERVER, token: 'old-token' }), { mode: 0o600 });
    a = await up('a');
    b = await up('b');
  }, 60_000);
  afterAll(async () => {
    for (const p of running) {
      p.client.close();
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });

  it('each `berth up` adds its own context; the old single entry is kept, still current', async () => {
    expect(a.output()).toMatch(/context "data" \(not current/);
    expect(b.output()).toMatch(/context "data-2" \(not current/);
    const file = contexts();
    expect(file.currentContext).toBe('default');
    expect(file.contexts.map((c) => [c.name, c.server])).toEqual([
      ['default', LEGACY_SERVER],
      ['data', expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)],
      ['data-2', expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)],
    ]);
    expect(file.contexts[0]?.token).toBe('old-token');
    const listed = await berth(['config', 'get-contexts']);
    expect(listed.code).toBe(0);
    expect(lines(listed.stdout)).toEqual([
      expect.stringMatching(/^CURRENT\s+NAME\s+SERVER\s+CLUSTER\s+TOKEN FILE$/),
      expect.stringMatching(/^\*\s+default\s+http:\/\/127\.0\.0\.1:25201\s+\(inline token\)$/),
      expect.stringMatching(/^\s+data\s+http.*a\/data\/admin\.token$/),
      expect.stringMatching(/^\s+data-2\s+http.*b\/data\/admin\.token$/),
    ]);
    expect(await berth(['config', 'current-context'])).toMatchObject({ code: 0, stdout: 'default\n' });
  });

  it('--context and BERTH_CONTEXT pick an installation; use-context switches', async () => {
    const manifest = join(dir, 'cluster.yaml');
    writeFileSync(manifest, 'apiVersion: berth.dev/v1\nkind: Cluster\nmetadata:\n  name: only-in-b\nspec: {}\n');
    expect(await berth(['apply', '-f', manifest, '--context', 'data-2'])).toMatchObject({ code: 0 });
    const names = async (args: string[], env?: NodeJS.ProcessEnv) => {
      const r = await berth(['get', 'clusters', '-o', 'name', ...args], env);
      expect(r).toMatchObject({ code: 0 });
      return lines(r.stdout).sort();
    };
    expect(await names(['--context', 'data'])).toEqual(['cluster/default']);
    expect(await names(['--context', 'data-2'])).toEqual(['cluster/default', 'cluster/only-in-b']);
    expect(await names([], { BERTH_CONTEXT: 'data-2' })).toEqual(['cluster/default', 'cluster/only-in-b']);

    expect(await berth(['config', 'use-context', 'data-2'])).toMatchObject({ code: 0, stdout: 'Switched to context "data-2".\n' });
    expect(await names([])).toEqual(['cluster/default', 'cluster/only-in-b']);

    const unknown = await berth(['get', 'clusters', '--context', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no context "nope" in .*its contexts are default, data, data-2/);
  });

  it('set-context adds one from a token file with a default cluster; delete-context removes it', async () => {
    const tokenFile = join(dir, 'b', 'data', 'admin.token');
    const bServer = contexts().contexts.find((c) => c.name === 'data-2')?.server ?? '';
    expect(await berth(['config', 'set-context', 'b-prod', '--server', bServer, '--token-file', tokenFile, '--cluster', 'only-in-b'])).toMatchObject({
      code: 0,
      stdout: 'Context "b-prod" created.\n',
    });
    // Authenticated with the token read from the file.
    expect(await berth(['get', 'cluster', 'only-in-b', '-o', 'name', '--context', 'b-prod'])).toMatchObject({ code: 0, stdout: 'cluster/only-in-b\n' });
    expect((await berth(['config', 'get-contexts'])).stdout).toMatch(/^\s+b-prod\s+http\S+\s+only-in-b\s+\S+b\/data\/admin\.token$/m);
    expect(await berth(['config', 'set-context', 'nothing-yet', '--cluster', 'x'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/give its --server/),
    });
    expect(await berth(['config', 'delete-context', 'b-prod'])).toMatchObject({ code: 0 });
    expect(contexts().contexts.map((c) => c.name)).toEqual(['default', 'data', 'data-2']);
  });

  it('a restarted installation updates its own context in place', async () => {
    const before = contexts().contexts.find((c) => c.name === 'data')?.server;
    // SIGKILL: a quicker stop, and `berth up` must not need a clean one to find its own context again.
    a.child.kill('SIGKILL');
    await a.exited;
    await up('a');
    const file = contexts();
    expect(file.contexts.map((c) => c.name)).toEqual(['default', 'data', 'data-2']);
    expect(file.contexts.find((c) => c.name === 'data')?.server).not.toBe(before);
    expect(file.currentContext).toBe('data-2');
    expect(await berth(['get', 'clusters', '-o', 'name', '--context', 'data'])).toMatchObject({ code: 0, stdout: 'cluster/default\n' });
  }, 30_000);
});
