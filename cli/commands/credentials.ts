/**
 * `berth credentials create [--name N] [--role edit] [--cluster C]`, `list`, `revoke ID`: access
 * keys for ECS's API (the AWS CLI and SDKs sign with them; api/server/ecs). `create` prints the key id and
 * the secret once, as lines to export; the server keeps the secret only sealed.
 */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface CredentialsCreateFlags extends GlobalFlags {
  name: string;
  role: string;
  admin?: boolean;
}

export function credentialsCommand(): Command {
  const credentials = new Command('credentials').description('Create, list and revoke access keys for the ECS API (installation admins only)');
  credentials.addCommand(
    withGlobalOptions(
      new Command('create').description(
        'Create an access key holding ROLE (admin, edit or view) in --cluster (default "*": every cluster); prints AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY once',
      ),
    )
      .option('--name <name>', 'who or what the key is for (shown by `berth credentials list`)', 'ecs-api')
      .option('--role <role>', 'admin, edit or view', 'edit')
      .option('--admin', 'an installation admin key (may also create and delete clusters), instead of --role')
      .action((flags: CredentialsCreateFlags) => runLazy(async () => ({ default: (await import('./actions/credentials.js')).runCredentialsCreate }), flags)),
  );
  credentials.addCommand(
    withGlobalOptions(new Command('list').description('List access keys: id, name, role, clusters (never the secret)')).action((flags: GlobalFlags) =>
      runLazy(async () => ({ default: (await import('./actions/credentials.js')).runCredentialsList }), flags),
    ),
  );
  credentials.addCommand(
    withGlobalOptions(new Command('revoke').description('Revoke an access key by its id').argument('<id>', 'access key id')).action(
      (id: string, flags: GlobalFlags) => runLazy(async () => ({ default: (await import('./actions/credentials.js')).runCredentialsRevoke }), { ...flags, id }),
    ),
  );
  return credentials;
}
