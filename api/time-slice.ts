/**
 * Cooperative time slicing for loops over much work. An await whose promise is already settled (the
 * embedded store answers synchronously; a work queue with keys waiting hands out the next at once)
 * does not give the event loop a turn, so such a loop runs as one unbroken chain of microtasks:
 * timers, sockets, agents' heartbeats and the leader's lease renewal all wait until it ends. A big
 * delete once ran that way for seconds, and the leader lost its lease to its own work.
 *
 * Loops over unbounded work call `yieldIfBusy()` between items: once the process has run for
 * SLICE_MS since the last turn this module gave the event loop, it takes one (setImmediate), so
 * the timers and I/O due meanwhile run before the loop goes on. Callers share one turn: were each
 * to take its own, hundreds of them resumed in the same check phase would each restart the slice,
 * and the timers would wait for all of them again.
 */
const SLICE_MS = 20;

let sliceStartedAt = performance.now();
/** The turn already asked for: every caller waits for the same one, and the slice restarts once, when it comes. */
let pendingTurn: Promise<void> | undefined;

export function yieldIfBusy(): Promise<void> {
  if (pendingTurn) return pendingTurn;
  if (performance.now() - sliceStartedAt < SLICE_MS) return Promise.resolve();
  pendingTurn = new Promise<void>((resolve) =>
    setImmediate(() => {
      pendingTurn = undefined;
      sliceStartedAt = performance.now();
      resolve();
    }),
  );
  return pendingTurn;
}
