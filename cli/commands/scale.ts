/** `berth scale service NAME --replicas N`: sets the service's desiredCount. */
import { Command, InvalidArgumentError } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface ScaleFlags extends GlobalFlags {
  args: string[];
  replicas: number;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

export function scaleCommand(): Command {
  return withGlobalOptions(
    new Command('scale')
      .description('Set the desired number of tasks of a service')
      .argument('<args...>', 'service NAME, or service/NAME')
      .requiredOption('--replicas <n>', 'the new desiredCount', count),
  ).action((args: string[], flags: Omit<ScaleFlags, 'args'>) => runLazy(() => import('./actions/scale.js'), { ...flags, args }));
}
