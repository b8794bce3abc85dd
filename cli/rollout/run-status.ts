/**
 * `berth rollout status service NAME [--timeout 5m]`: follows the service (list, then watch from the
 * list's revision) and prints the rollout's events and progress as they change, until the rollout
 * the current spec asked for COMPLETED (exit 0) or FAILED (exit 1, with the reason; also when the
 * circuit breaker rolled it back). Exit 2 when --timeout passes first. A broken watch (server
 * restart, compaction) is followed by a fresh list and watch.
 */
import type { BerthClient, ObjectOf } from '../../api/client/types.js';
import type { RolloutFlags } from '../commands/rollout.js';
import { withSession, type Io } from '../commands/actions/run.js';
import { listAll } from '../commands/actions/objects.js';
import { NotFoundError } from '../../api/usecases/resources/errors.js';
import { rolloutProgress, type Progress } from './progress.js';
import { parseDuration } from '../duration.js';
import { serviceName } from './target.js';

type Service = ObjectOf<'Service'>;

export const EXIT = { completed: 0, failed: 1, timedOut: 2 } as const;

const RETRY_MS = 1_000;
const TICK_MS = 1_000;

export default function runStatus(flags: RolloutFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const name = serviceName(flags.args, 'status');
    const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
    return followRollout(client, flags.cluster ?? cluster, name, io, timeoutMs);
  });
}

export async function followRollout(client: BerthClient, cluster: string, name: string, io: Io, timeoutMs?: number): Promise<number> {
  const printer = new StoryPrinter(io);
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  let timedOut = false;
  let watch: { cancel(): Promise<void> } | undefined;
  const timer = deadline === undefined ? undefined : setTimeout(() => ((timedOut = true), void watch?.cancel()), timeoutMs);
  const stop = () => void watch?.cancel();
  process.once('SIGINT', stop);
  // Bake and pause times count down between changes of the service: show them live.
  const ticker = setInterval(() => printer.tick(), TICK_MS);
  try {
    for (;;) {
      const listed = await listAll(client, 'Service', { cluster });
      const service = listed.items.find((s) => s.metadata.name === name);
      if (!service) throw new NotFoundError({ kind: 'Service', cluster, name });
      const verdict = printer.show(service);
      if (verdict.state !== 'waiting') return verdict.state === 'completed' ? EXIT.completed : EXIT.failed;
      if (timedOut) break;
      const w = client.watch('Service', { cluster, fromRevision: Number(listed.resourceVersion) + 1 });
      watch = w;
      if (timedOut) await w.cancel();
      for await (const batch of w) {
        for (const event of batch) {
          if (event.ref.name !== name) continue;
          if (event.type === 'DELETED' || !event.object) throw new NotFoundError({ kind: 'Service', cluster, name });
          const v = printer.show(event.object);
          if (v.state !== 'waiting') {
            await w.cancel();
            return v.state === 'completed' ? EXIT.completed : EXIT.failed;
          }
        }
      }
      if (timedOut) break;
      // The watch ended on its own (server restart, compaction): look again after a moment.
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    io.stderr.write(`error: timed out after ${humanMs(timeoutMs ?? 0)} waiting for the rollout of service ${name} (${printer.last ?? 'no progress seen'})\n`);
    return EXIT.timedOut;
  } finally {
    if (timer) clearTimeout(timer);
    clearInterval(ticker);
    process.off('SIGINT', stop);
  }
}

/**
 * Prints what changed: the service's events since its newest deployment began (the story — started,
 * stopped, unhealthy, failed, rolled back), then the progress line when it differs from the last one.
 */
class StoryPrinter {
  private readonly seen = new Set<string>();
  last?: string;
  private since?: string;
  private current?: Service;
  constructor(private readonly io: Io) {}

  /** The same service again, now: a countdown moved on. */
  tick(): void {
    if (this.current?.status?.deployments.some((d) => d.status === 'PRIMARY' && d.rollout !== undefined && d.rolloutState === 'IN_PROGRESS'))
      this.show(this.current);
  }

  show(service: Service): Progress {
    this.current = service;
    const status = service.status;
    const newest = status?.history[0]?.startedAt ?? status?.deployments.find((d) => d.status === 'PRIMARY')?.createdAt;
    // Only this rollout's events the first time; from then on, everything new.
    this.since ??= newest;
    for (const e of [...(status?.events ?? [])].reverse()) {
      if (this.seen.has(e.id)) continue;
      this.seen.add(e.id);
      if (this.since !== undefined && e.createdAt < this.since) continue;
      this.io.stdout.write(`${e.createdAt}  ${e.message}\n`);
    }
    const progress = rolloutProgress(service);
    if (progress.message !== this.last) {
      (progress.state === 'failed' ? this.io.stderr : this.io.stdout).write(`${progress.state === 'failed' ? 'error: ' : ''}${progress.message}\n`);
      this.last = progress.message;
    }
    return progress;
  }
}

function humanMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
