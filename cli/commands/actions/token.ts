/** `berth token create|list|revoke` (see ../token.ts). */
import { ClusterRole } from '../../../api/auth/principal.js';
import { parseDuration } from '../../duration.js';
import type { GlobalFlags } from '../global-options.js';
import type { TokenCreateFlags } from '../token.js';
import { withSession } from './run.js';

export function runTokenCreate(flags: TokenCreateFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const ttlSeconds = flags.ttl === undefined ? undefined : Math.ceil(parseDuration(flags.ttl, '--ttl') / 1000);
    if (flags.role === 'scrape') {
      if (flags.cluster !== undefined) throw new Error('--role scrape reads /metrics of the whole installation; give no --cluster');
      const created = await client.tokens.create({ name: flags.name, role: 'scrape', ttlSeconds });
      io.stdout.write(`${created.token}\n`);
      io.stderr.write(`token ${created.id} (${flags.name}): scrape (/metrics only)${created.expiresAt ? `, expires ${created.expiresAt}` : ''}\n`);
      return 0;
    }
    if (flags.role === 'lb') {
      const lbCluster = flags.cluster ?? cluster;
      const created = await client.tokens.create({ name: flags.name, role: 'lb', cluster: lbCluster, ttlSeconds });
      io.stdout.write(`${created.token}\n`);
      io.stderr.write(
        `token ${created.id} (${flags.name}): lb in ${lbCluster} (berth lb: reads load balancers, reports health as ${flags.name})${created.expiresAt ? `, expires ${created.expiresAt}` : ''}\n`,
      );
      return 0;
    }
    const role = ClusterRole.safeParse(flags.role);
    if (!role.success) throw new Error(`--role "${flags.role}" is not a role; use admin, edit, view, lb or scrape`);
    const created = await client.tokens.create({ name: flags.name, grants: { [flags.cluster ?? cluster]: role.data }, ttlSeconds });
    io.stdout.write(`${created.token}\n`);
    io.stderr.write(
      `token ${created.id} (${flags.name}): ${role.data} in ${flags.cluster ?? cluster}${created.expiresAt ? `, expires ${created.expiresAt}` : ''}\n`,
    );
    return 0;
  });
}

export function runTokenList(flags: GlobalFlags): Promise<number> {
  return withSession(flags, async ({ client }, io) => {
    io.stdout.write('ID            NAME                          ROLE        CLUSTERS                 EXPIRES\n');
    for (const t of await client.tokens.list()) {
      const where =
        t.role === 'user'
          ? Object.entries(t.grants)
              .map(([c, r]) => `${c}=${r}`)
              .join(',')
          : t.role === 'agent'
            ? `${t.cluster}/${t.instance}`
            : t.role === 'lb'
              ? t.cluster
              : t.role === 'admin' || t.role === 'scrape'
                ? '*'
                : (t.instance ?? '-');
      io.stdout.write(`${t.id}  ${t.name.padEnd(28)}  ${t.role.padEnd(10)}  ${where.padEnd(23)}  ${t.expiresAt ?? 'never'}\n`);
    }
    return 0;
  });
}

export function runTokenRevoke(flags: GlobalFlags & { id: string }): Promise<number> {
  return withSession(flags, async ({ client }, io) => {
    const revoked = await client.tokens.revoke(flags.id);
    io.stdout.write(`token ${flags.id} revoked${revoked > 1 ? ` (${revoked})` : ''}\n`);
    return 0;
  });
}
