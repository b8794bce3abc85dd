/** `berth events [--watch] [-A]`: service events across services, newest last, with their ages. */
import { Command } from 'commander';
import { runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface EventsFlags extends GlobalFlags {
  allClusters: boolean;
  watch: boolean;
  service?: string;
}

export function eventsCommand(): Command {
  return withGlobalOptions(
    new Command('events')
      .description('List service events (deployments, steady state, placement failures), newest last')
      .option('-A, --all-clusters', 'events of every cluster', false)
      .option('--for <service>', 'only the events of this service')
      .option('-w, --watch', 'after listing, print new events as they happen', false),
  ).action((flags: EventsFlags & { for?: string }) => runLazy(() => import('./actions/events.js'), { ...flags, service: flags.for }));
}
