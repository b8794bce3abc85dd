/**
 * `berth top tasks|services|instances [--cluster C] [-o json]`: cpu and memory in use, as the agents
 * report them with their heartbeats (ECS's CPUUtilization and MemoryUtilization: percent of what the
 * tasks reserve; for instances, of what they registered). kubectl top's habits.
 */
import { Argument, Command } from 'commander';
import { TOP_SUBJECTS, type TopSubject } from '../top/view.js';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface TopFlags extends GlobalFlags {
  subject: TopSubject;
  output?: string;
}

export function topCommand(): Command {
  return withGlobalOptions(
    new Command('top')
      .description('Show cpu and memory in use by tasks, services or container instances (sampled by the agents)')
      .addArgument(new Argument('<subject>', 'what to show').choices(TOP_SUBJECTS))
      .option('-o, --output <format>', 'json: the utilisation reports as the instances hold them'),
  ).action((subject: TopSubject, flags: Omit<TopFlags, 'subject'>) => runLazy(() => import('./actions/top.js'), { ...flags, subject }));
}
