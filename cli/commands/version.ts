/** `berth version [--client] [-o json]`: this client's version and, if it can reach one, the API server's. */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface VersionFlags extends GlobalFlags {
  client: boolean;
  output?: string;
}

export function versionCommand(): Command {
  return withGlobalOptions(
    new Command('version')
      .description("Print the client's version and the API server's (exit 1 if the server cannot be asked)")
      .option('--client', 'only the client version; do not contact the server', false)
      .option('-o, --output <format>', 'json (default: text)'),
  ).action((flags: VersionFlags) => runLazy(() => import('./actions/version.js'), flags));
}
