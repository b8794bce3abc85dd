/**
 * In-process watch fan-out for the embedded store. A new watcher first replays history from the
 * log, then joins the live fan-out, in one synchronous step: no write can land in between (every
 * write runs on this same thread), so there is neither a gap nor a duplicate.
 */
import { CompactedError } from './errors.js';
import { WatchChannel } from './watch-channel.js';
import type { WatchBatch, WatchEvent } from './types.js';

/** Replaying history is chunked so one huge backlog does not become one huge batch. */
const REPLAY_BATCH_EVENTS = 1000;

interface Subscriber {
  prefix: string;
  /** Deliver only events at or after this revision. */
  fromRevision: number;
  prevValues: boolean;
  channel: WatchChannel;
}

export interface HistorySource {
  compactRevision(): number;
  currentRevision(): number;
  /** Events under `prefix` with revision >= `fromRevision`, in revision order. */
  eventsSince(prefix: string, fromRevision: number): WatchEvent[];
}

export class WatchHub {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly history: HistorySource) {}

  subscribe(prefix: string, fromRevision: number | undefined, prevValues: boolean): WatchChannel {
    const subscriber: Subscriber = {
      prefix,
      fromRevision: fromRevision ?? this.history.currentRevision() + 1,
      prevValues,
      channel: new WatchChannel(() => void this.subscribers.delete(subscriber)),
    };
    const compactRevision = this.history.compactRevision();
    if (subscriber.fromRevision < compactRevision) {
      subscriber.channel.fail(new CompactedError(subscriber.fromRevision, compactRevision));
      return subscriber.channel;
    }
    if (subscriber.fromRevision <= this.history.currentRevision()) {
      for (const batch of chunkByRevision(this.history.eventsSince(prefix, subscriber.fromRevision))) {
        subscriber.channel.push(prevValues ? batch : withoutPrev(batch));
      }
    }
    this.subscribers.add(subscriber);
    return subscriber.channel;
  }

  /** Whether a watcher of `key` wants previous values (so a write must read them). */
  wantsPrevValues(key: string): boolean {
    for (const subscriber of this.subscribers) if (subscriber.prevValues && key.startsWith(subscriber.prefix)) return true;
    return false;
  }

  /** Called after a write commits, with that write's events (all of one revision). */
  publish(revision: number, events: WatchEvent[]): void {
    for (const subscriber of this.subscribers) {
      if (revision < subscriber.fromRevision) continue;
      const mine = events.filter((e) => e.kv.key.startsWith(subscriber.prefix));
      if (mine.length === 0) continue;
      const batch = { events: mine, revision };
      subscriber.channel.push(subscriber.prevValues ? batch : withoutPrev(batch));
    }
  }

  /** End every watch with `error` (the store is closing). */
  failAll(error: Error): void {
    for (const subscriber of this.subscribers) subscriber.channel.fail(error);
    this.subscribers.clear();
  }
}

function withoutPrev(batch: WatchBatch): WatchBatch {
  return { ...batch, events: batch.events.map(({ type, kv }) => ({ type, kv })) };
}

/** Split events into batches of about REPLAY_BATCH_EVENTS, never splitting one revision. */
export function chunkByRevision(events: WatchEvent[]): WatchBatch[] {
  const batches: WatchBatch[] = [];
  let current: WatchEvent[] = [];
  for (const event of events) {
    const last = current[current.length - 1];
    if (last && current.length >= REPLAY_BATCH_EVENTS && last.kv.modRevision !== event.kv.modRevision) {
      batches.push({ events: current, revision: last.kv.modRevision });
      current = [];
    }
    current.push(event);
  }
  const last = current[current.length - 1];
  if (last) batches.push({ events: current, revision: last.kv.modRevision });
  return batches;
}
