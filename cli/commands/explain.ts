/** `berth explain KIND[.field.path]`: a field's type, description and fields, from the kind's JSON Schema. */
import { Command } from 'commander';
import { runLazy } from './global-options.js';

export interface ExplainFlags {
  path: string;
}

export function explainCommand(): Command {
  return new Command('explain')
    .description('Describe a kind or one of its fields, e.g. berth explain service.spec.deploymentConfiguration')
    .argument('<path>', 'KIND or KIND.field.path (kinds as in get: service, svc, td, task, ci, cluster)')
    .action((path: string) => runLazy(() => import('./actions/explain.js'), { path }));
}
