/**
 * A module (or anything costly) made on first call and the same one after: what a process needs
 * only on some paths — a library a few requests use, a certificate signer — is loaded when first
 * used instead of by every process that imports the code around it. Works for a synchronous
 * require and for a dynamic import's promise alike.
 */
export function loadOnce<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
}
