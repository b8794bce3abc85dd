/**
 * One store watch per kind and cluster, shared by every watcher in the process (the Kubernetes
 * apiserver's watch cache, in small). Without it each watcher (every controller informer, every
 * HTTP `?watch=true`, every agent's watch over the API) opened its own store watch, so the store
 * sent every event once per watcher and this process decoded it as many times: at 20,000 tasks the
 * benchmark's one HTTP watch doubled the server's decoding and the gRPC buffers it allocates.
 *
 * A feed keeps the last `historyEvents` events, so a watcher that starts from a recent revision
 * (list, then watch from the list's revision) joins the running feed. One that asks for a revision
 * older than the feed holds, or for no revision ("from now", whose meaning only the store knows),
 * gets a store watch of its own, exactly as before. A feed that fails (compaction, lost connection)
 * ends every watcher on it with that error, and one that ends quietly (the store closed) ends them
 * quietly, as their own watches would have; the next watcher
 * starts a new feed. A feed with no watchers left stops.
 *
 * Events are shared between watchers: treat them as read-only (informers freeze what they cache).
 */
import { Channel } from '../../channel.js';
import { kindPrefix, type KindName } from '../../keys.js';
import type { Store } from '../../store/types.js';
import { matchesLabels, parseLabelSelector, type LabelSelector } from './label-selector.js';
import { watchKind, type ResourceEvent, type ResourceWatch, type ResourceWatchOptions } from './resource-watch.js';

export interface SharedWatchesOptions {
  /** Events a feed keeps for watchers that join late (default 2,000). */
  historyEvents?: number;
}

export class SharedWatches {
  private readonly feeds = new Map<string, Feed>();
  private readonly historyEvents: number;

  constructor(
    private readonly store: Store,
    options: SharedWatchesOptions = {},
  ) {
    this.historyEvents = options.historyEvents ?? 2_000;
  }

  watch<K extends KindName>(kind: K, options: ResourceWatchOptions = {}): ResourceWatch<K> {
    const from = options.fromRevision;
    if (from === undefined) return watchKind(this.store, kind, options);
    const selector = typeof options.labelSelector === 'string' ? parseLabelSelector(options.labelSelector) : options.labelSelector;
    const key = kindPrefix(kind, options.cluster);
    // A feed of the kind in every cluster (the controllers' informers run one) serves one cluster too.
    const wideKey = kindPrefix(kind);
    const wide = key === wideKey ? undefined : this.feeds.get(wideKey)?.join(kind, from, selector, options.cluster);
    if (wide) return wide;
    const running = this.feeds.get(key);
    const joined = running?.join(kind, from, selector);
    if (joined) return joined;
    if (running) return watchKind(this.store, kind, options); // older than the feed holds
    const feed = new Feed(watchKind<KindName>(this.store, kind, { cluster: options.cluster, fromRevision: from }), from, this.historyEvents, () => {
      if (this.feeds.get(key) === feed) this.feeds.delete(key);
    });
    this.feeds.set(key, feed);
    const first = feed.join(kind, from, selector);
    if (!first) throw new Error(`internal: a new feed of ${key} refused its first watcher`);
    return first;
  }

  /** Feeds running now (for tests and metrics). */
  get feedCount(): number {
    return this.feeds.size;
  }
}

/** What a feed sees of a watcher: whatever its kind, it takes the feed's batches and its end. */
interface Subscriber {
  push(batch: readonly ResourceEvent<KindName>[]): void;
  close(failure: Error | undefined): void;
}

class Feed {
  private readonly history: ResourceEvent<KindName>[][] = [];
  private historySize = 0;
  /** Every event at or after this revision is in `history` or still to come. */
  private floor: number;
  private readonly watchers = new Set<Subscriber>();
  private ended = false;

  constructor(
    private readonly source: ResourceWatch<KindName>,
    from: number,
    private readonly historyEvents: number,
    private readonly onEnd: () => void,
  ) {
    this.floor = from;
    void this.pump();
  }

  /** A watcher from revision `from` on, or undefined when this feed no longer holds `from`. */
  join<K extends KindName>(kind: K, from: number, selector: LabelSelector | undefined, cluster?: string): FeedWatch<K> | undefined {
    if (this.ended || from < this.floor) return undefined;
    const watcher = new FeedWatch(kind, from, selector, cluster, (gone) => this.leave(gone));
    for (const batch of this.history) watcher.push(batch);
    this.watchers.add(watcher);
    return watcher;
  }

  private leave(watcher: Subscriber): void {
    this.watchers.delete(watcher);
    if (this.watchers.size === 0) this.end(undefined);
  }

  private async pump(): Promise<void> {
    let failure: Error | undefined;
    try {
      for await (const batch of this.source) {
        if (this.ended) return;
        this.remember(batch);
        for (const watcher of this.watchers) watcher.push(batch);
      }
      // Ended without an error (the store closed): its watchers end quietly too, as a store watch
      // of their own would have.
      failure = await this.source.closed;
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
    this.end(failure);
  }

  /**
   * Keeps the newest `historyEvents` events, dropping the oldest a whole revision at a time (a
   * store batch may hold several revisions; all events of one revision stay together).
   */
  private remember(batch: ResourceEvent<KindName>[]): void {
    this.history.push(batch);
    this.historySize += batch.length;
    while (this.historySize > this.historyEvents) {
      const oldest = this.history[0];
      const revision = oldest?.[0]?.resourceVersion;
      if (!oldest || revision === undefined) break;
      let n = 0;
      while (n < oldest.length && oldest[n]?.resourceVersion === revision) n++;
      if (n === oldest.length && this.history.length === 1) break; // the newest revision stays whole
      if (n === oldest.length) this.history.shift();
      else this.history[0] = oldest.slice(n);
      this.historySize -= n;
      this.floor = Number(revision) + 1;
    }
  }

  private end(failure: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    void this.source.cancel();
    for (const watcher of this.watchers) watcher.close(failure);
    this.watchers.clear();
    this.history.length = 0;
  }
}

/** One watcher's end of a feed: its filter over the feed's batches, in front of a Channel. */
class FeedWatch<K extends KindName> implements ResourceWatch<K>, Subscriber {
  private readonly channel: Channel<ResourceEvent<K>[]>;

  constructor(
    private readonly kind: K,
    private readonly from: number,
    private readonly selector: LabelSelector | undefined,
    /** Set when this watcher wants one cluster of a feed of every cluster. */
    private readonly cluster: string | undefined,
    onCancel: (w: Subscriber) => void,
  ) {
    this.channel = new Channel(() => onCancel(this));
  }

  get closed(): Promise<Error | undefined> {
    return this.channel.closed;
  }

  push(batch: readonly ResourceEvent<KindName>[]): void {
    if (!this.channel.isOpen) return;
    const events: ResourceEvent<K>[] = [];
    for (const e of batch) {
      if (!isEventOf(e, this.kind) || Number(e.resourceVersion) < this.from) continue;
      if (this.cluster !== undefined && e.ref.cluster !== this.cluster) continue;
      if (this.selector && (e.object === undefined || !matchesLabels(this.selector, e.object.metadata.labels))) continue;
      events.push(e);
    }
    if (events.length > 0) this.channel.push(events);
  }

  /** The feed ended: what is pending is still delivered, then the loop ends (throwing `failure`, if any). */
  close(failure: Error | undefined): void {
    if (failure) this.channel.fail(failure);
    else this.channel.close();
  }

  cancel(): Promise<void> {
    return this.channel.cancel();
  }

  [Symbol.asyncIterator](): AsyncIterator<ResourceEvent<K>[]> {
    return this.channel[Symbol.asyncIterator]();
  }
}

/** The feed of a kind's prefix carries that kind only; checked, so the type follows from the data. */
function isEventOf<K extends KindName>(e: ResourceEvent<KindName> | ResourceEvent<K>, kind: K): e is ResourceEvent<K> {
  return e.ref.kind === kind && (e.object === undefined || e.object.kind === kind);
}
