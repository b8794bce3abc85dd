/**
 * Runs `listener` when `signal` aborts — at once if it already has. A plain addEventListener on a
 * signal that aborted before the call never fires, and a loop that waits on it then never ends
 * (a server stopped while its first store read was in flight did, until its test timed out).
 * Returns the function that removes the listener.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return () => undefined;
  }
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}
