/**
 * Lists a kind, then watches from the list's revision (no polling) until `done` holds for the
 * named objects or the timeout passes. A watch that ends on its own (server restart, compaction)
 * is followed by a fresh list and watch. `berth wait` and `run-task --wait` share it.
 */
import type { BerthClient, ObjectOf } from '../../api/client/types.js';
import type { KindName } from '../../api/keys.js';
import { listAll } from '../commands/actions/objects.js';

const RETRY_MS = 1_000;

export interface WatchTarget<K extends KindName> {
  kind: K;
  cluster: string | undefined;
  names: string[];
}

/** The named objects as last seen (absent = does not exist). */
export type Seen<K extends KindName> = Map<string, ObjectOf<K>>;

/**
 * Resolves with the objects as last seen and whether `done` held (false: timed out or interrupted
 * by SIGINT). `timeoutMs` undefined waits without limit.
 */
export async function watchUntil<K extends KindName>(
  client: BerthClient,
  target: WatchTarget<K>,
  done: (seen: Seen<K>) => boolean,
  timeoutMs: number | undefined,
): Promise<{ met: boolean; seen: Seen<K> }> {
  const wanted = new Set(target.names);
  let seen: Seen<K> = new Map();
  let stopped = false;
  let watch: { cancel(): Promise<void> } | undefined;
  const stop = () => ((stopped = true), void watch?.cancel());
  const timer = timeoutMs === undefined ? undefined : setTimeout(stop, timeoutMs);
  process.once('SIGINT', stop);
  try {
    while (!stopped) {
      const listed = await listAll(client, target.kind, { cluster: target.cluster });
      seen = new Map(listed.items.filter((o) => wanted.has(o.metadata.name)).map((o) => [o.metadata.name, o]));
      if (done(seen)) return { met: true, seen };
      if (stopped) break;
      const w = client.watch(target.kind, { cluster: target.cluster, fromRevision: Number(listed.resourceVersion) + 1 });
      watch = w;
      if (stopped) await w.cancel();
      for await (const batch of w) {
        for (const event of batch) {
          if (!wanted.has(event.ref.name)) continue;
          if (event.type === 'DELETED' || !event.object) seen.delete(event.ref.name);
          else seen.set(event.ref.name, event.object);
        }
        if (done(seen)) {
          await w.cancel();
          return { met: true, seen };
        }
      }
      if (!stopped) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    return { met: false, seen };
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stop);
  }
}
