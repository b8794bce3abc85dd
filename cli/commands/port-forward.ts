/** `berth port-forward TASK [LOCAL:]PORT…`: local TCP ports tunnelled through the API server and agent to a task container's ports. */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface PortForwardFlags extends GlobalFlags {
  task: string;
  ports: string[];
  container?: string;
  address: string;
}

export function portForwardCommand(): Command {
  return withGlobalOptions(
    new Command('port-forward')
      .description("Forward local ports to a running task's container ports (needs the edit role), until interrupted")
      .argument('<task>', 'task name, or task/NAME')
      .argument('<ports...>', 'LOCAL:CONTAINER, or PORT for the same number on both sides (LOCAL 0: any free port)')
      .option('-c, --container <name>', 'the container (default: the only one, else the first essential one)')
      .option('--address <ip>', 'local address to listen on', '127.0.0.1'),
  ).action((task: string, ports: string[], flags: Omit<PortForwardFlags, 'task' | 'ports'>) =>
    runLazy(() => import('./actions/port-forward.js'), { ...flags, task, ports }),
  );
}
