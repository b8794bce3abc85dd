/**
 * `berth logs`: picks the container kubectl's way (named, else the only one, else the first
 * essential, saying so on stderr when there was a choice), then copies the API server's stream to
 * stdout. Ctrl-C (or SIGTERM) ends a -f cleanly with exit code 0.
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { onAbort } from '../../../api/on-abort.js';
import { taskLogContainers } from '../../../api/usecases/tasks/log-container.js';
import { parseDuration } from '../../duration.js';
import type { LogsFlags } from '../logs.js';
import { UsageError } from './apply.js';
import { withSession, type Io } from './run.js';

export default function runLogs(flags: LogsFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster: defaultCluster }, io) => {
    const name = taskName(flags.task);
    const ref = { cluster: flags.cluster ?? defaultCluster, name };
    const sinceSeconds = flags.since === undefined ? undefined : Math.max(1, Math.ceil(parseDuration(flags.since, '--since') / 1000));
    let container = flags.container;
    if (container === undefined) {
      const task = await client.mustGet('Task', ref);
      const containers = await taskLogContainers(task, (td) => client.get('TaskDefinition', { cluster: ref.cluster, name: td }));
      container = containers.chosen;
      if (container !== undefined && containers.names.length > 1)
        io.stderr.write(`Defaulted container "${container}" out of: ${containers.names.join(', ')}\n`);
    }

    const interrupted = new AbortController();
    const stop = () => interrupted.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const stream = await client.logs(ref, { container, follow: flags.follow, tail: flags.tail, sinceSeconds, signal: interrupted.signal });
      await copy(stream, io, interrupted.signal);
      return 0;
    } catch (err) {
      if (interrupted.signal.aborted) return 0; // the user ended it
      throw err;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}

/** `task/web-1a2b` and `web-1a2b` name the same task. */
export function taskName(arg: string): string {
  const m = /^(?:tasks?\/)?(.+)$/.exec(arg);
  const name = m?.[1];
  if (name === undefined || name.includes('/')) throw new UsageError(`"${arg}" is not a task name; use NAME or task/NAME`);
  return name;
}

/** To stdout with backpressure; a closed stdout (`| head`) ends the copy quietly. */
async function copy(stream: Readable, io: Io, signal: AbortSignal): Promise<void> {
  let closed = false;
  io.stdout.once('error', () => {
    closed = true;
    stream.destroy();
  });
  onAbort(signal, () => stream.destroy());
  try {
    for await (const chunk of stream) {
      if (closed) return;
      if (!io.stdout.write(String(chunk))) await once(io.stdout, 'drain');
    }
  } catch (err) {
    if (!closed) throw err;
  }
}
