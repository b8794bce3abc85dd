/** `berth describe KIND [NAME…]`: spec summary, status, deployments and recent events, kubectl-style. */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface DescribeFlags extends GlobalFlags {
  kind: string;
  names: string[];
  selector?: string;
}

export function describeCommand(): Command {
  return withGlobalOptions(
    new Command('describe')
      .description('Show details of objects: spec, status, deployments, containers and recent events')
      .argument('<kind>', 'svc, tasks, td, ci, clusters (or KIND/NAME)')
      .argument('[names...]', 'the objects (all of the kind when none is given)')
      .option('-l, --selector <selector>', 'label selector, when no names are given'),
  ).action((kind: string, names: string[], flags: Omit<DescribeFlags, 'kind' | 'names'>) =>
    runLazy(() => import('./actions/describe.js'), { ...flags, kind, names }),
  );
}
