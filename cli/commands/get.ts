/**
 * `berth get KIND [NAME…] [-o wide|yaml|json|name] [-l SEL] [--cluster C | -A] [--watch] [--status S]
 * [--field-selector F=V,…] [--sort-by PATH]`, with
 * kubectl's short names (svc, td, ci, …) and columns.
 */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface GetFlags extends GlobalFlags {
  kind: string;
  names: string[];
  output?: string;
  selector?: string;
  allClusters: boolean;
  watch: boolean;
  /** Tasks only: RUNNING (the default: every task not yet STOPPED), STOPPED or all. */
  status?: string;
  fieldSelector?: string;
  sortBy?: string;
}

export function getCommand(): Command {
  return withGlobalOptions(
    new Command('get')
      .description('List objects: services (svc), tasks, taskdefinitions (td), containerinstances (ci), clusters')
      .argument('<kind>', 'what to list, e.g. svc, tasks, td, ci, clusters (or KIND/NAME)')
      .argument('[names...]', 'only these objects (a task definition family name lists all its revisions)')
      .option(
        '-o, --output <format>',
        'wide, yaml, json, name, ecs (as the ECS describe-* call prints it), jsonpath=TEMPLATE (e.g. {.items[*].metadata.name}) or custom-columns=NAME:.path,…',
      )
      .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier!=db')
      .option('-A, --all-clusters', 'list across all clusters', false)
      .option('-w, --watch', 'after listing, print changes as they happen', false)
      .option('--status <status>', 'tasks only: RUNNING (default: every task not yet STOPPED), STOPPED or all')
      .option(
        '--field-selector <selector>',
        'e.g. instance=host-1,service=web (tasks: instance, service, lastStatus, taskDefinition; any kind: metadata.*, spec.*, status.* paths)',
      )
      .option('--sort-by <jsonpath>', 'sort by one field, e.g. .metadata.name or {.status.startedAt}'),
  ).action((kind: string, names: string[], flags: Omit<GetFlags, 'kind' | 'names'>) => runLazy(() => import('./actions/get.js'), { ...flags, kind, names }));
}
