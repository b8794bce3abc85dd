/**
 * The root of berth's typed errors: every error a caller may branch on has a stable `name` (kept
 * across versions, mapped to HTTP statuses and exit codes) and says whether the same call may
 * succeed later (`retriable`). Each layer (store, resources, runtime, agent) derives its own base.
 */
export abstract class BerthError extends Error {
  abstract override readonly name: string;
  abstract readonly retriable: boolean;
}
