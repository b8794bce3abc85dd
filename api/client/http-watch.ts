/**
 * A watch over the API's NDJSON stream, as a ResourceWatch: the same async iterable of event
 * batches a ResourceStore watch gives. A broken connection (server restart, network) is resumed
 * after the newest revision known to be complete (one transaction writes many keys at one
 * revision, and a connection may break between them), skipping the events of the revision in
 * flight that were already delivered, so nothing is lost or repeated; a 410
 * (revision compacted) ends the watch with CompactedError so the caller relists. The first
 * connection is made by watch() itself; `closed` settles when iteration ends or on cancel().
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { KindName } from '../keys.js';
import type { Logger } from '../log.js';
import { resourcePath } from '../paths.js';
import type { ResourceEvent, ResourceWatch } from '../usecases/resources/resource-watch.js';
import { DEFAULT_CLUSTER } from '../v1/meta.js';
import { Status } from '../server/status.js';
import { decodeAs } from './decode.js';
import { errorFromResponse, errorFromStatus } from './errors.js';
import { labelSelectorText } from './label-selector-text.js';
import { readBody, type Transport } from './transport.js';
import type { ClientWatchOptions } from './types.js';

export interface WatchRetry {
  initialDelayMs: number;
  maxDelayMs: number;
}

const WireEvent = z.object({ type: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']), object: z.unknown() });
const WireMeta = z.object({ metadata: z.object({ name: z.string().optional(), cluster: z.string().optional(), resourceVersion: z.string() }) });

/** Thrown inside the loop for an in-stream ERROR that is worth reconnecting for. */
class RetriableStreamError extends Error {}

export function httpWatch<K extends KindName>(
  transport: Transport,
  kind: K,
  options: ClientWatchOptions,
  deps: { log: Logger; retry: WatchRetry },
): ResourceWatch<K> {
  let cancelled = false;
  let abort: AbortController | undefined;
  let settle: (e: Error | undefined) => void = () => undefined;
  const closed = new Promise<Error | undefined>((resolve) => (settle = resolve));

  const pathFor = (after: number | undefined) => {
    const query = new URLSearchParams({ watch: 'true' });
    if (after !== undefined) query.set('resourceVersion', String(after));
    const selector = labelSelectorText(options.labelSelector);
    if (selector) query.set('labelSelector', selector);
    if (options.containerInstance) query.set('containerInstance', options.containerInstance);
    if (options.view) query.set('view', options.view);
    return `${resourcePath({ kind, cluster: kind === 'Cluster' ? undefined : options.cluster })}?${query}`;
  };

  const toEvent = (type: 'ADDED' | 'MODIFIED' | 'DELETED', raw: unknown): ResourceEvent<K> => {
    const meta = WireMeta.parse(raw).metadata;
    const ref = { kind, cluster: meta.cluster ?? DEFAULT_CLUSTER, name: meta.name ?? '' };
    if (type === 'DELETED' && !hasSpec(raw)) return { type, ref, resourceVersion: meta.resourceVersion };
    const object = decodeAs(kind, raw);
    return { type, ref: { kind, cluster: object.metadata.cluster, name: object.metadata.name }, object, resourceVersion: meta.resourceVersion };
  };

  const connect = (after: number | undefined) => {
    abort = new AbortController();
    return transport.request('GET', pathFor(after), { signal: abort.signal });
  };
  // The server streams changes AFTER `after`; fromRevision is inclusive.
  const start = options.fromRevision === undefined ? undefined : options.fromRevision - 1;
  // Connect at once, as a store watch starts at once: "from now" means from the watch() call,
  // not from the first next(). Its failure is handled by the loop, which awaits it.
  let eager: Promise<IncomingMessage> | undefined = connect(start);
  eager.catch(() => undefined);

  async function* run(): AsyncGenerator<ResourceEvent<K>[]> {
    let after = start;
    // The revision of the last event delivered, which may have more events to come, and the
    // objects of it already delivered (to skip when a resumed stream sends that revision again).
    let inFlight: { revision: number; delivered: Set<string> } | undefined;
    let delay = deps.retry.initialDelayMs;
    const backOff = async (reason: unknown) => {
      deps.log.warn({ kind, after, delayMs: delay, reason: reason instanceof Error ? reason.message : String(reason) }, 'watch interrupted; resuming');
      await sleep(delay).catch(() => undefined);
      delay = Math.min(delay * 2, deps.retry.maxDelayMs);
    };
    while (!cancelled) {
      let res: IncomingMessage;
      try {
        res = await (eager ?? connect(after));
        eager = undefined;
      } catch (err) {
        eager = undefined;
        if (cancelled) break;
        await backOff(err);
        continue;
      }
      if (res.statusCode !== 200) {
        const err = errorFromResponse(res.statusCode ?? 0, await readBody(res), after === undefined ? undefined : after + 1);
        if (!('retriable' in err && err.retriable === true)) throw err;
        await backOff(err);
        continue;
      }
      try {
        for await (const lines of ndjsonLines(res)) {
          const batch: ResourceEvent<K>[] = [];
          for (const line of lines) {
            const wire = WireEvent.parse(JSON.parse(line));
            if (wire.type === 'ERROR') {
              const status = Status.parse(wire.object);
              if (status.code === 410) throw errorFromStatus(status, after === undefined ? undefined : after + 1);
              throw new RetriableStreamError(status.message);
            }
            if (wire.type === 'BOOKMARK') {
              // A bookmark says everything up to its revision was sent: the first line of a resumed
              // stream repeats the resume point, which says nothing of the revision in flight.
              const bookmark = Number(WireMeta.parse(wire.object).metadata.resourceVersion);
              if (!inFlight || bookmark >= inFlight.revision) {
                after = bookmark;
                inFlight = undefined;
              }
              delay = deps.retry.initialDelayMs; // the server answers: the next break starts the backoff afresh
              continue;
            }
            const event = toEvent(wire.type, wire.object);
            const revision = Number(event.resourceVersion);
            const id = `${event.ref.cluster}/${event.ref.name}`;
            if (inFlight && revision === inFlight.revision) {
              if (inFlight.delivered.has(id)) continue;
            } else {
              if (inFlight) after = inFlight.revision; // a later revision began: that one is complete
              inFlight = { revision, delivered: new Set() };
            }
            inFlight.delivered.add(id);
            batch.push(event);
          }
          if (batch.length > 0) yield batch;
        }
      } catch (err) {
        if (cancelled) break;
        if (!(err instanceof RetriableStreamError) && !isConnectionError(err)) throw err;
      } finally {
        res.destroy();
      }
      if (!cancelled) await backOff('the server ended the stream');
    }
  }

  return {
    closed,
    async cancel() {
      cancelled = true;
      abort?.abort();
      void eager?.then(
        (res) => res.destroy(),
        () => undefined,
      );
      settle(undefined);
    },
    async *[Symbol.asyncIterator]() {
      try {
        yield* run();
        settle(undefined);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        settle(error);
        throw error;
      } finally {
        settle(undefined); // the consumer stopped iterating (break): the watch is over
      }
    },
  };
}

const hasSpec = (raw: unknown) => typeof raw === 'object' && raw !== null && 'spec' in raw;

function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = 'code' in err ? err.code : undefined;
  return (
    err.name === 'AbortError' ||
    err.name === 'ApiUnreachable' ||
    (typeof code === 'string' && /^(ECONNRESET|EPIPE|ECONNREFUSED|ERR_STREAM_PREMATURE_CLOSE|ETIMEDOUT)$/.test(code)) ||
    err.message === 'aborted'
  );
}

/** Complete lines of an NDJSON stream, grouped by the chunk they arrived in. */
export async function* ndjsonLines(res: IncomingMessage): AsyncGenerator<string[]> {
  let pending = '';
  res.setEncoding('utf8');
  for await (const chunk of res) {
    pending += String(chunk);
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    const lines = parts.filter((l) => l.trim() !== '');
    if (lines.length > 0) yield lines;
  }
}
