/**
 * Errors of the typed resource layer. The API server maps them to HTTP statuses by `name`
 * (NotFound 404, AlreadyExists 409, Conflict 409, Invalid 422); `retriable` says whether the same
 * call may succeed after a re-read.
 */
import { BerthError } from '../../errors.js';
import type { SchemaIssue } from '../../v1/index.js';

export abstract class ResourceError extends BerthError {}

export interface ResourceId {
  kind: string;
  cluster: string;
  name: string;
}

// Clusters and task definitions belong to the account: no cluster in their names.
const describe = (id: ResourceId) => (id.kind === 'Cluster' || id.kind === 'TaskDefinition' ? `${id.kind} ${id.name}` : `${id.kind} ${id.cluster}/${id.name}`);

export class NotFoundError extends ResourceError {
  override readonly name = 'NotFound';
  readonly retriable = false;
  constructor(readonly id: ResourceId) {
    super(`${describe(id)} not found`);
  }
}

export class AlreadyExistsError extends ResourceError {
  override readonly name = 'AlreadyExists';
  readonly retriable = false;
  constructor(readonly id: ResourceId) {
    super(`${describe(id)} already exists; update it instead (or apply)`);
  }
}

/** The object changed since it was read (stale resourceVersion). Re-read, re-apply the change, retry. */
export class ConflictError extends ResourceError {
  override readonly name = 'Conflict';
  readonly retriable = true;
  constructor(
    readonly id: ResourceId,
    readonly expected: string,
  ) {
    super(`${describe(id)} was modified since resourceVersion ${expected}; read it again and retry`);
  }
}

/** The object does not satisfy its kind's schema, or the change is not allowed (immutable fields). */
export class InvalidError extends ResourceError {
  override readonly name = 'Invalid';
  readonly retriable = false;
  constructor(
    readonly id: ResourceId,
    readonly issues: SchemaIssue[],
  ) {
    super(`${describe(id)} is invalid: ${issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
  }
}

/**
 * The object as it would be stored is larger than any object may be. Every reader (watches,
 * informers, list pages) keeps copies of every version it sees, so one oversized object written
 * over and over grows every process that watches it.
 */
export class ObjectTooLargeError extends ResourceError {
  override readonly name = 'ObjectTooLarge';
  readonly retriable = false;
  constructor(
    readonly id: ResourceId,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `${describe(id)} would be ${bytes} bytes stored, over the limit of ${limit} bytes per object; write less (e.g. shorter status messages or fewer containers' details)`,
    );
  }
}

/** `spec.containerDefinitions[0].image` from ['spec', 'containerDefinitions', 0, 'image']. */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${p}` : p), '');
}
