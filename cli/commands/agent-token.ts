/**
 * `berth agent token INSTANCE [--cluster C] [--out FILE]`: an admin issues the token one instance's
 * agent runs with. With --out it goes to FILE (mode 0600) and not to the terminal, so it stays out
 * of shell history and scrollback; the agent then reads it from BERTH_TOKEN.
 */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface AgentTokenFlags extends GlobalFlags {
  instance: string;
  out?: string;
}

export function agentTokenCommand(): Command {
  return withGlobalOptions(
    new Command('token')
      .description('Issue the agent token of one container instance (admin only); --out FILE writes it with mode 0600')
      .argument('<instance>', 'the container instance name the agent will run as')
      .option('--out <file>', 'write the token to this file (created or replaced, mode 0600) instead of stdout'),
  ).action((instance: string, flags: Omit<AgentTokenFlags, 'instance'>, command: Command) => {
    // `berth agent` has --server/--token/--cluster too, and commander gives a parent its options
    // even when they follow the subcommand: take them from whichever of the two got them.
    const parent = command.parent?.opts<GlobalFlags>() ?? {};
    const pick = (k: keyof GlobalFlags) => flags[k] ?? parent[k];
    return runLazy(() => import('./actions/agent-token.js'), { ...flags, server: pick('server'), token: pick('token'), cluster: pick('cluster'), instance });
  });
}
