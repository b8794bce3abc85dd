/**
 * What one request or one caller may take from the server, checked at the edge so that no input
 * reaches code that would fall over on it: how deeply a JSON body nests (the resource layer walks
 * bodies recursively; a 5,000-deep patch overflowed the stack), and how many watch streams one
 * principal holds open (each holds a store watch and a buffer).
 */
import { BadRequestError } from './errors-to-status.js';

/** Far deeper than any object of ours nests (a task definition reaches about 8). */
export const MAX_JSON_DEPTH = 100;
export const DEFAULT_MAX_WATCHES_PER_PRINCIPAL = 100;
/** How long a client may take to send a whole request (headers and body); watches are responses, not bound by it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** True when `value` nests arrays/objects more than `max` levels deep. Iterative: no recursion to overflow. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

export function assertJsonDepth(value: unknown): void {
  if (nestsDeeperThan(value, MAX_JSON_DEPTH))
    throw new BadRequestError(`the request body nests deeper than ${MAX_JSON_DEPTH} levels; no berth object does: send the object, not a wrapper`);
}

export class TooManyWatchesError extends BadRequestError {
  constructor(principal: string, limit: number) {
    super(`${principal} already has ${limit} watches open, the most one caller may hold; close some (or share one watch) and retry`, 429);
  }
}

/** Open watch streams per principal, refused past `limit`. */
export class WatchQuota {
  private readonly open = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Take a slot for `principal`; the returned function gives it back (once, however often called). */
  acquire(principal: string): () => void {
    const held = this.open.get(principal) ?? 0;
    if (held >= this.limit) throw new TooManyWatchesError(principal, this.limit);
    this.open.set(principal, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.open.get(principal) ?? 1) - 1;
      if (now <= 0) this.open.delete(principal);
      else this.open.set(principal, now);
    };
  }
}
