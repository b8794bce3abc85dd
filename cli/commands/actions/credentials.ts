/** `berth credentials create|list|revoke` (see ../credentials.ts). */
import { ALL_CLUSTERS, ClusterRole } from '../../../api/auth/principal.js';
import type { GlobalFlags } from '../global-options.js';
import type { CredentialsCreateFlags } from '../credentials.js';
import { withSession } from './run.js';

export function runCredentialsCreate(flags: CredentialsCreateFlags): Promise<number> {
  return withSession(flags, async ({ client }, io) => {
    const role = ClusterRole.safeParse(flags.role);
    if (!role.success) throw new Error(`--role "${flags.role}" is not a role; use admin, edit or view`);
    // ECS credentials work across clusters, as an AWS key does: every cluster unless --cluster names one.
    const where = flags.cluster ?? ALL_CLUSTERS;
    const created = await client.accessKeys.create(flags.admin ? { name: flags.name, admin: true } : { name: flags.name, grants: { [where]: role.data } });
    io.stdout.write(`AWS_ACCESS_KEY_ID=${created.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${created.secretAccessKey}\n`);
    const what = flags.admin ? 'installation admin' : `${role.data} in ${where}`;
    io.stderr.write(`access key ${created.accessKeyId} (${flags.name}): ${what}; the secret is shown only now\n`);
    return 0;
  });
}

export function runCredentialsList(flags: GlobalFlags): Promise<number> {
  return withSession(flags, async ({ client }, io) => {
    io.stdout.write('ACCESS KEY ID         NAME                          ROLE   CLUSTERS                 CREATED\n');
    for (const k of await client.accessKeys.list()) {
      const where =
        k.role === 'user'
          ? Object.entries(k.grants)
              .map(([c, r]) => `${c}=${r}`)
              .join(',')
          : '*';
      io.stdout.write(`${k.accessKeyId}  ${k.name.padEnd(28)}  ${k.role.padEnd(5)}  ${where.padEnd(23)}  ${k.createdAt}\n`);
    }
    return 0;
  });
}

export function runCredentialsRevoke(flags: GlobalFlags & { id: string }): Promise<number> {
  return withSession(flags, async ({ client }, io) => {
    await client.accessKeys.revoke(flags.id);
    io.stdout.write(`access key ${flags.id} revoked\n`);
    return 0;
  });
}
