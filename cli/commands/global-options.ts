/**
 * The flags every client command takes (--server, --token, --cluster, --context), kept free of heavy imports:
 * command modules load at every start, their implementations only when they run.
 */
import { Command } from 'commander';

export interface GlobalFlags {
  server?: string;
  token?: string;
  cluster?: string;
  caFile?: string;
  context?: string;
}

export function withGlobalOptions(command: Command): Command {
  return command
    .option('--server <url>', 'API server address (default: $BERTH_SERVER, then the config file)')
    .option('--token <token>', 'bearer token (default: $BERTH_TOKEN, then the config file)')
    .option('--ca-file <file>', "PEM CA of the server's certificate (default: $BERTH_CA, then the config file)")
    .option('--cluster <name>', 'cluster to work in (default: $BERTH_CLUSTER, then the config file, then "default")')
    .option('--context <name>', 'context of the config file to use (default: $BERTH_CONTEXT, then the current context)');
}

/** For repeatable options such as -f. No default: commander would treat it as given. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Runs a command's implementation, loaded on demand, and sets the exit code it returns. */
export async function runLazy<T>(load: () => Promise<{ default: (options: T) => Promise<number> }>, options: T): Promise<void> {
  const { default: run } = await load();
  process.exitCode = await run(options);
}
