/**
 * `berth compose convert FILE [--single-task] [--strict]`: prints the berth manifests a Docker
 * Compose file becomes (`berth apply -f compose.yaml` applies the same); what cannot be mapped is
 * listed on stderr as FILE:LINE:COL warnings.
 */
import { Command } from 'commander';
import { runLazy } from './global-options.js';

export interface ComposeConvertFlags {
  singleTask: boolean;
  strict: boolean;
  output: string;
}

export function composeCommand(): Command {
  const compose = new Command('compose').description('Docker Compose files as berth manifests');
  compose
    .command('convert')
    .description('Print the TaskDefinitions and Services a compose file becomes; warnings name what is not kept')
    .argument('<file>', 'a compose file (compose.yaml, docker-compose.yml, …)')
    .option('--single-task', 'one task definition holding every service as a container, so depends_on becomes dependsOn', false)
    .option('--strict', 'treat every warning (something not mapped) as an error', false)
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action((file: string, flags: ComposeConvertFlags) => runLazy(() => import('./actions/compose.js'), { file, ...flags }));
  return compose;
}
