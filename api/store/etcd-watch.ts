/**
 * One etcd watch on its own gRPC stream, resumed by us rather than by etcd3's Watcher. etcd3's
 * Watcher resumes from the response header's revision + 1, but during catch-up etcd stamps batches
 * with the *current* revision, so a reconnect mid-catch-up would skip events; and it drops the
 * compact revision when etcd cancels a watch for compaction. Here we resume from the last revision
 * actually delivered (or confirmed by a progress notification) + 1, and report compaction as
 * CompactedError.
 */
import type { Etcd3, IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import type { Logger } from '../log.js';
import { CompactedError, WatchBrokenError } from './errors.js';
import { toKv, toKvOrUndefined } from './etcd-codec.js';
import { prefixEnd } from './prefix.js';
import { WatchChannel } from './watch-channel.js';
import type { WatchEvent } from './types.js';

export interface EtcdWatchOptions {
  prefix: string;
  fromRevision: number | undefined;
  prevValues: boolean;
  /** Give up (WatchBrokenError) when etcd cannot be reached for this long. */
  reconnectTimeoutMs: number;
  log: Logger;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2000;

export class EtcdWatch {
  readonly channel: WatchChannel;
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  /** Everything up to this revision has been delivered; undefined until the first watch is created. */
  private lastRevision: number | undefined;
  private backoffMs = MIN_BACKOFF_MS;
  private disconnectedSince: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly options: EtcdWatchOptions,
  ) {
    this.channel = new WatchChannel(() => this.stop());
    if (options.fromRevision !== undefined) this.lastRevision = options.fromRevision - 1;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (!this.channel.isOpen) return;
    let stream: IDuplexStream<IWatchRequest, IWatchResponse>;
    try {
      stream = await this.client.watchClient.watch();
    } catch (err) {
      this.onDisconnect(err);
      return;
    }
    if (!this.channel.isOpen) return cancelStream(stream);
    this.stream = stream;
    stream.on('data', (res) => this.onResponse(res));
    stream.on('error', (err) => this.onStreamEnd(stream, err));
    stream.on('end', () => this.onStreamEnd(stream, new Error('etcd ended the watch stream')));
    const start = this.lastRevision === undefined ? {} : { start_revision: this.lastRevision + 1 };
    const end = prefixEnd(this.options.prefix);
    stream.write({
      create_request: {
        key: Buffer.from(this.options.prefix),
        range_end: end === undefined ? Buffer.from([0]) : Buffer.from(end),
        prev_kv: this.options.prevValues,
        progress_notify: true,
        ...start,
      },
    });
  }

  private onResponse(res: IWatchResponse): void {
    if (!this.channel.isOpen) return;
    if (res.canceled) return this.onCanceled(res);
    if (res.created) {
      this.disconnectedSince = undefined;
      this.backoffMs = MIN_BACKOFF_MS;
      // A watch "from now" starts after the revision etcd reports at creation.
      this.lastRevision ??= Number(res.header.revision);
      return;
    }
    const events: WatchEvent[] = (res.events ?? []).map((e) => {
      const prev = toKvOrUndefined(e.prev_kv);
      const event: WatchEvent = { type: e.type === 'Delete' ? 'delete' : 'put', kv: toKv(e.kv) };
      if (prev) event.prev = prev;
      return event;
    });
    const last = events[events.length - 1];
    // etcd never splits one revision across responses, so the last event's revision is complete.
    // An empty response is a progress notification: etcd sends those only to caught-up watchers.
    const revision = last ? last.kv.modRevision : Number(res.header.revision);
    this.lastRevision = Math.max(this.lastRevision ?? 0, revision);
    if (last) this.channel.push({ events, revision });
  }

  private onCanceled(res: IWatchResponse): void {
    const compactRevision = Number(res.compact_revision ?? 0);
    const from = (this.lastRevision ?? 0) + 1;
    this.stop();
    if (compactRevision > 0) this.channel.fail(new CompactedError(from, compactRevision));
    else this.channel.fail(new WatchBrokenError(this.options.prefix, from - 1, `etcd canceled it: ${res.cancel_reason || 'no reason given'}`));
  }

  private onStreamEnd(stream: IDuplexStream<IWatchRequest, IWatchResponse>, err: unknown): void {
    if (stream !== this.stream) return;
    this.stream = undefined;
    cancelStream(stream);
    this.onDisconnect(err);
  }

  private onDisconnect(err: unknown): void {
    if (!this.channel.isOpen) return;
    const now = Date.now();
    this.disconnectedSince ??= now;
    const reason = err instanceof Error ? err.message : String(err);
    if (now - this.disconnectedSince > this.options.reconnectTimeoutMs) {
      this.stop();
      this.channel.fail(
        new WatchBrokenError(this.options.prefix, this.lastRevision ?? 0, `etcd unreachable for ${now - this.disconnectedSince} ms (${reason})`),
      );
      return;
    }
    this.options.log.debug({ prefix: this.options.prefix, after: this.lastRevision, reason }, 'watch disconnected; resuming');
    this.retryTimer = setTimeout(() => void this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const stream = this.stream;
    this.stream = undefined;
    if (stream) cancelStream(stream);
  }
}

/**
 * Cancels a watch stream as ours, not as a failure. etcd3 takes an error on a stream that is still
 * writable (a cancel's CANCELLED included) for the host's failure: it resets every connection to
 * the host and counts it on the host's circuit breaker, and three in a row made every call fail for
 * 5 s (BrokenCircuitError) — an API server stopping its informers' watches could then not revoke its
 * log-reader token. Ending our side first leaves the stream unwritable, so the cancel is not counted.
 */
function cancelStream(stream: IDuplexStream<IWatchRequest, IWatchResponse>): void {
  stream.end();
  stream.cancel();
}
