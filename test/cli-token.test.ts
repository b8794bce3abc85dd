/**
 * `berth token create|list|revoke|agent` against `berth up`: a token with a role in one cluster,
 * passed in the environment (never on the command line), and revoked by its id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, lines, startCliEnv, type CliEnv } from './cli-harness.js';

let cli: CliEnv;
beforeAll(async () => {
  assertFreshBuild(['cli/commands/token.ts', 'cli/commands/actions/token.ts']);
  cli = await startCliEnv();
}, 60_000);
afterAll(async () => cli?.stop());

describe('berth token', () => {
  it('creates a view token for a cluster, which reads there and may not write; lists it by id; revokes it', async () => {
    const created = await cli.berth(['token', 'create', '--name', 'dashboard', '--role', 'view', '--cluster', 'default', '--ttl', '1h']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^berth_\S+$/);
    const id = /token ([0-9a-f]{12}) \(dashboard\): view in default, expires /.exec(created.stderr)?.[1] ?? '';
    expect(id).not.toBe('');

    const asViewer = { env: { BERTH_TOKEN: token } };
    expect((await cli.berth(['get', 'services'], asViewer)).code).toBe(0);
    const scaled = await cli.berth(['scale', 'service', 'web', '--replicas', '2'], asViewer);
    expect(scaled.code).toBe(1);
    expect(scaled.stderr).toMatch(/Forbidden.*has role view in cluster default/);

    const listed = await cli.berth(['token', 'list']);
    expect(lines(listed.stdout).find((l) => l.startsWith(id))).toMatch(/dashboard\s+user\s+default=view/);
    expect(listed.stdout).not.toContain(token);

    expect((await cli.berth(['token', 'revoke', id])).stdout).toBe(`token ${id} revoked\n`);
    const after = await cli.berth(['get', 'services'], asViewer);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/Unauthorized/);
  });

  it('refuses a role that is not one, and a cluster that does not exist', async () => {
    expect((await cli.berth(['token', 'create', '--name', 'x', '--role', 'root'])).stderr).toMatch(
      /--role "root" is not a role; use admin, edit, view, lb or scrape/,
    );
    expect((await cli.berth(['token', 'create', '--name', 'x', '--role', 'view', '--cluster', 'nope'])).stderr).toMatch(/clusters "nope" not found/);
  });

  it('issues an agent token with `berth agent token`, the one command for it', async () => {
    const agent = await cli.berth(['agent', 'token', 'i-9']);
    expect(agent.code).toBe(0);
    expect(agent.stdout.trim()).toMatch(/^berth_\S+$/);
    expect((await cli.berth(['token', 'agent', 'i-9'])).code).not.toBe(0);
  });
});
