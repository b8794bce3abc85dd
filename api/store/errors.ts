/**
 * Typed store errors. Callers branch on `name` (stable across versions) or `instanceof`, and on
 * `retriable`: true means the same call may succeed later (after a re-read for conflicts).
 */
import { BerthError } from '../errors.js';

export abstract class StoreError extends BerthError {}

/** A compare-and-swap lost: the key's modRevision was not the one expected. Re-read and retry. */
export class ConflictError extends StoreError {
  override readonly name = 'Conflict';
  readonly retriable = true;
  constructor(
    readonly key: string,
    readonly expectedModRevision: number,
    /** 0 when the key does not exist. */
    readonly actualModRevision: number,
  ) {
    super(
      `conflict on ${key}: expected modRevision ${expectedModRevision}, found ${actualModRevision}` +
        (actualModRevision === 0 ? ' (key does not exist)' : '') +
        '; re-read the key and retry',
    );
  }
}

/** create() found the key already present. */
export class AlreadyExistsError extends StoreError {
  override readonly name = 'AlreadyExists';
  readonly retriable = false;
  constructor(
    readonly key: string,
    readonly actualModRevision: number,
  ) {
    super(`${key} already exists (modRevision ${actualModRevision}); update it instead of creating it`);
  }
}

/** The revision asked for has been compacted away: relist, then watch from the list's revision + 1. */
export class CompactedError extends StoreError {
  override readonly name = 'Compacted';
  readonly retriable = false;
  constructor(
    readonly requestedRevision: number,
    readonly compactRevision: number,
  ) {
    super(`revision ${requestedRevision} has been compacted (history starts at ${compactRevision}); relist and watch again`);
  }
}

/** A watch ended for a reason other than compaction or cancel (server cancel, backend gone too long). */
export class WatchBrokenError extends StoreError {
  override readonly name = 'WatchBroken';
  readonly retriable = true;
  constructor(
    readonly prefix: string,
    readonly lastRevision: number,
    reason: string,
  ) {
    super(`watch on ${prefix} broke after revision ${lastRevision}: ${reason}; watch again from ${lastRevision + 1}`);
  }
}

/** The backend cannot be reached right now. */
export class StoreUnavailableError extends StoreError {
  override readonly name = 'StoreUnavailable';
  readonly retriable = true;
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`store unavailable: ${detail}`, options);
  }
}

export class LeaseNotFoundError extends StoreError {
  override readonly name = 'LeaseNotFound';
  readonly retriable = false;
  constructor(readonly leaseId: string) {
    super(`lease ${leaseId} does not exist (expired or revoked); grant a new one`);
  }
}

/** The store was closed; open a new one. */
export class StoreClosedError extends StoreError {
  override readonly name = 'StoreClosed';
  readonly retriable = false;
  constructor() {
    super('the store has been closed');
  }
}

/** Another process holds the embedded store's data directory. */
export class StoreLockedError extends StoreError {
  override readonly name = 'StoreLocked';
  readonly retriable = false;
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `data directory ${dataDir} is in use by process ${holderPid}; stop that process or use another directory ` +
        `(if no such process runs, delete ${dataDir}/LOCK)`,
    );
  }
}

/** The caller asked for something the store cannot do (bad argument). */
export class InvalidRequestError extends StoreError {
  override readonly name = 'InvalidRequest';
  readonly retriable = false;
}

/** The installation record (api/store/installation.ts) is there but unreadable: someone wrote over it. */
export class InstallationRecordError extends StoreError {
  override readonly name = 'InstallationRecord';
  readonly retriable = false;
  constructor(key: string, problem: string) {
    super(
      `the installation record at ${key} is not berth's (${problem}); it is written once and never changed: ` +
        'restore it from a backup of the store, or delete the key to make a new identity (berth then no longer knows the containers it made)',
    );
  }
}
