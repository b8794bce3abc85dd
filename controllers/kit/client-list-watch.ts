/**
 * The `ListWatch` of one kind over berth's API client (HttpClient or LocalClient), so an informer
 * runs the same in the server's process and out of it. It pages through the list at one revision
 * and turns the client's watch stream into informer events; the stream's CompactedError is passed
 * on as is, so the informer knows to relist at once.
 */
import type { BerthClient } from '../../api/client/types.js';
import type { Cancel } from './clock.js';
import type { ListResult, ListWatch, WatchEvent } from './informer.js';
import { requestKey, type KindName, type ObjectOf } from './types.js';

/** What to list and watch within the kind. */
export interface ClientListWatchOptions {
  cluster?: string;
  labelSelector?: string;
  /** Page size of the initial list (default 500), so a huge kind is not read in one response. */
  pageSize?: number;
}

/** A `ListWatch` of `kind` through `client`. */
export function clientListWatch<K extends KindName>(
  client: Pick<BerthClient, 'list' | 'watch'>,
  kind: K,
  { cluster, labelSelector, pageSize = 500 }: ClientListWatchOptions = {},
): ListWatch<ObjectOf<K>> {
  return {
    async list(): Promise<ListResult<ObjectOf<K>>> {
      const items: ObjectOf<K>[] = [];
      const first = await client.list(kind, { cluster, labelSelector, limit: pageSize });
      items.push(...first.items);
      // Later pages are read at the first page's revision (the continue token carries it).
      for (let page = first; page.continue;) {
        page = await client.list(kind, { cluster, labelSelector, limit: pageSize, continue: page.continue });
        items.push(...page.items);
      }
      return { items, revision: parseRevision(first.resourceVersion) };
    },

    watch(fromRevision, onEvents, onError): Cancel {
      const watch = client.watch(kind, { cluster, labelSelector, fromRevision });
      let cancelled = false;
      void (async () => {
        try {
          for await (const batch of watch) {
            if (cancelled) return;
            const events = batch.flatMap((e): WatchEvent<ObjectOf<K>>[] => {
              const revision = parseRevision(e.resourceVersion);
              if (e.type === 'DELETED') return [{ type: 'delete', key: requestKey(e.ref), revision }];
              return e.object ? [{ type: 'put', object: e.object, revision }] : [];
            });
            if (events.length > 0) onEvents(events);
          }
          if (!cancelled) onError(new Error(`watch of ${kind} ended without an error; relisting`));
        } catch (err) {
          if (!cancelled) onError(err instanceof Error ? err : new Error(String(err)));
        }
      })();
      return () => {
        cancelled = true;
        void watch.cancel();
      };
    },
  };
}

function parseRevision(resourceVersion: string): number {
  const revision = Number(resourceVersion);
  if (!Number.isSafeInteger(revision) || revision < 0)
    throw new Error(`the API returned resourceVersion "${resourceVersion}", expected a non-negative integer revision`);
  return revision;
}
