/** Helpers for the store contract suite: unique key prefixes and bounded event collection. */
import { randomUUID } from 'node:crypto';
import type { Watch, WatchEvent } from './types.js';

/**
 * A unique prefix per test, so test files can share one etcd. Test keys are scratch keys outside
 * berth's own layout (api/keys.ts), under their own root.
 */
export function scratchPrefix(suite: string): string {
  return `/berth-test/${suite}/${randomUUID()}/`;
}

/** Iterate `watch` until `done(events)` holds; fail with what arrived if `timeoutMs` passes first. */
export async function collectUntil(watch: Watch, done: (events: WatchEvent[]) => boolean, timeoutMs = 10_000): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  if (done(events)) return events;
  const iterator = watch[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`watch delivered ${events.length} events in ${timeoutMs} ms, not what the test waited for: ${describe(events)}`)),
      timeoutMs,
    );
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) throw new Error(`watch ended after ${events.length} events: ${describe(events)}`);
      events.push(...next.value.events);
      if (done(events)) return events;
    }
  } finally {
    clearTimeout(timer);
  }
}

export const atLeast = (n: number) => (events: WatchEvent[]) => events.length >= n;

function describe(events: WatchEvent[]): string {
  return (
    events
      .slice(-5)
      .map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`)
      .join(', ') || 'none'
  );
}
