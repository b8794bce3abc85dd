/**
 * `berth token create --name N --role edit --cluster prod [--ttl 720h]`, `berth token list`,
 * `berth token revoke ID`: tokens with a role per cluster (installation admins only). `create`
 * prints the token alone on stdout, once: keep it in a file or a secret store.
 */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface TokenCreateFlags extends GlobalFlags {
  name: string;
  role: string;
  ttl?: string;
}

export function tokenCommand(): Command {
  const token = new Command('token').description('Create, list and revoke API tokens (installation admins only)');
  token.addCommand(
    withGlobalOptions(
      new Command('create')
        .description(
          'Create a token holding ROLE (admin, edit or view) in --cluster ("*" for every cluster), a load balancer token (lb) or a scrape token (/metrics only); prints it once',
        )
        .requiredOption('--name <name>', 'who or what the token is for (shown by `berth token list`)')
        .requiredOption(
          '--role <role>',
          "admin, edit or view; lb: `berth lb`'s token for --cluster (reads load balancers, reports its health checks); scrape: reads /metrics and nothing else",
        ),
    )
      .option('--ttl <duration>', 'how long it is valid, e.g. 720h (default: until revoked)')
      .action((flags: TokenCreateFlags) => runLazy(async () => ({ default: (await import('./actions/token.js')).runTokenCreate }), flags)),
  );
  token.addCommand(
    withGlobalOptions(new Command('list').description('List tokens: id, name, role, clusters, expiry (never the token)')).action((flags: GlobalFlags) =>
      runLazy(async () => ({ default: (await import('./actions/token.js')).runTokenList }), flags),
    ),
  );
  token.addCommand(
    withGlobalOptions(new Command('revoke').description('Revoke a token by its id (see `berth token list`)').argument('<id>', 'token id')).action(
      (id: string, flags: GlobalFlags) => runLazy(async () => ({ default: (await import('./actions/token.js')).runTokenRevoke }), { ...flags, id }),
    ),
  );
  return token;
}
