/**
 * What a reconcile returns, and the one error that means "do not retry".
 *
 * - `done()`: the world matches the spec for now; forget any backoff. A later change re-enqueues.
 * - `requeueAfter(ms)`: look again later (polling something the store does not tell us about, such
 *   as the time of day or a health grace period). Not an error: the backoff is reset.
 * - throw anything: something failed that may work next time; retried with per-key backoff.
 * - throw `TerminalError`: retrying cannot help (e.g. an invalid spec); logged and counted, not retried.
 */

/** The outcome of one successful reconcile. */
export type ReconcileResult = { readonly type: 'done' } | { readonly type: 'requeueAfter'; readonly afterMs: number };

const DONE: ReconcileResult = Object.freeze({ type: 'done' });

/** Nothing more to do for this key until something changes. */
export function done(): ReconcileResult {
  return DONE;
}

/** Reconcile this key again in `ms` milliseconds (and reset its error backoff). */
export function requeueAfter(ms: number): ReconcileResult {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`requeueAfter(ms): expected a finite number of milliseconds >= 0, got ${ms}`);
  return { type: 'requeueAfter', afterMs: ms };
}

/**
 * Thrown from a reconcile when retrying cannot succeed until the user changes something. The key is
 * forgotten (no backoff retry), the error is logged at `error` level and counted; the next change to
 * the object enqueues it again.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * True for a `TerminalError`, recognised by name so that an error from a second copy of the kit (a
 * third-party controller bundling its own) still counts.
 */
export function isTerminalError(err: unknown): err is Error & { retriable: false } {
  return err instanceof Error && err.name === 'TerminalError';
}
