/**
 * One kind's objects kept current in the browser, as an informer keeps them: list, then watch the
 * API's NDJSON stream (api/server/watch-stream.ts) from the list's resourceVersion. No polling.
 *
 * A broken stream resumes from the newest revision known to be complete (a BOOKMARK's, or one
 * before the last event's: one transaction writes many objects at one revision, and a stream may
 * break between them; an event seen twice only sets the same object again). A 410 (the revision
 * was compacted) relists.
 */
import { ApiError, authHeaders, errorOf, getJson } from './api.js';

export interface Named {
  metadata: { name: string; resourceVersion?: string };
}

interface ListBody<T> {
  items: T[];
  metadata: { resourceVersion: string };
}

interface WireEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T & { code?: number; message?: string };
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

export class Collection<T extends Named> {
  readonly items = new Map<string, T>();
  loaded = false;
  error: string | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly abort = new AbortController();

  constructor(private readonly path: string) {}

  start(): this {
    void this.run();
    return this;
  }

  stop(): void {
    this.abort.abort();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  private async run(): Promise<void> {
    let after: number | undefined;
    let delay = FIRST_RETRY_MS;
    while (!this.abort.signal.aborted) {
      try {
        if (after === undefined) after = await this.relist();
        after = await this.follow(after);
        delay = FIRST_RETRY_MS;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof ApiError && err.code === 410) {
          after = undefined;
          continue;
        }
        this.error = err instanceof Error ? err.message : String(err);
        this.notify();
        // Refused (signed out, or no role here): trying again cannot help.
        if (err instanceof ApiError && (err.code === 401 || err.code === 403)) return;
        await new Promise((r) => window.setTimeout(r, delay));
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  private async relist(): Promise<number> {
    const body = (await getJson(this.path)) as ListBody<T>;
    this.items.clear();
    for (const item of body.items) this.items.set(item.metadata.name, item);
    this.loaded = true;
    this.error = undefined;
    this.notify();
    return Number(body.metadata.resourceVersion);
  }

  /** Applies the stream's events until it ends; returns where to resume. */
  private async follow(after: number): Promise<number> {
    const res = await fetch(`${this.path}?watch=true&resourceVersion=${after}`, { headers: authHeaders(), signal: this.abort.signal });
    if (!res.ok) throw await errorOf(res);
    if (!res.body) throw new Error('the watch answered without a body');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let resume = after;
    let pending = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return resume;
      pending += value;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      let changed = false;
      for (const line of lines) {
        if (line === '') continue;
        const event = JSON.parse(line) as WireEvent<T>;
        const revision = Number(event.object.metadata?.resourceVersion);
        if (event.type === 'ERROR') throw new ApiError(event.object.code ?? 500, event.object.message ?? 'the watch stream failed');
        if (event.type === 'BOOKMARK') {
          resume = Math.max(resume, revision);
          continue;
        }
        resume = Math.max(resume, revision - 1);
        if (event.type === 'DELETED') this.items.delete(event.object.metadata.name);
        else this.items.set(event.object.metadata.name, event.object);
        changed = true;
      }
      if (changed) {
        this.error = undefined;
        this.notify();
      }
    }
  }
}
