/**
 * `berth config get-contexts|current-context|use-context|set-context|delete-context`: the contexts
 * of the CLI config file, as kubectl's `config` has them (one per installation: server, CA file,
 * token file, cluster). They work on the file alone and never call a server.
 */
import { Command } from 'commander';
import { runLazy } from './global-options.js';

export interface SetContextFlags {
  name: string;
  server?: string;
  caFile?: string;
  tokenFile?: string;
  cluster?: string;
}

const actions = () => import('./actions/config.js');

export function configCommand(): Command {
  const config = new Command('config').description('Show and change the contexts of the CLI config file (~/.berth/config, or $BERTH_CONFIG)');
  config.addCommand(
    new Command('get-contexts')
      .description('List the contexts; * marks the current one')
      .option('-o, --output <format>', 'name: the names only')
      .action((flags: { output?: string }) => runLazy(async () => ({ default: (await actions()).runGetContexts }), flags)),
  );
  config.addCommand(
    new Command('current-context')
      .description('Print the current context')
      .action(() => runLazy(async () => ({ default: (await actions()).runCurrentContext }), {})),
  );
  config.addCommand(
    new Command('use-context')
      .description('Make a context the current one')
      .argument('<context>', 'context name')
      .action((name: string) => runLazy(async () => ({ default: (await actions()).runUseContext }), { name })),
  );
  config.addCommand(
    new Command('set-context')
      .description('Add a context, or change the fields given of an existing one')
      .argument('<context>', 'context name')
      .option('--server <url>', 'API server address (needed for a new context)')
      .option('--ca-file <file>', "PEM CA of the server's certificate")
      .option('--token-file <file>', 'file holding the bearer token (never the token itself on a command line)')
      .option('--cluster <name>', 'cluster to work in by default')
      .action((name: string, flags: Omit<SetContextFlags, 'name'>) => runLazy(async () => ({ default: (await actions()).runSetContext }), { ...flags, name })),
  );
  config.addCommand(
    new Command('delete-context')
      .description('Remove a context (the installation itself is not touched)')
      .argument('<context>', 'context name')
      .action((name: string) => runLazy(async () => ({ default: (await actions()).runDeleteContext }), { name })),
  );
  return config;
}
