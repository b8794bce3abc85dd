/**
 * `ctx.events`: how any controller tells people what it did, in the same place berth's own service
 * controller does — a service's `status.events` (newest first, at most MAX_SERVICE_EVENTS), which
 * `berth events` and `berth describe service` show. Only services keep events today; recording on
 * another kind is refused with a message saying so, rather than written somewhere no one looks.
 */
import { randomUUID } from 'node:crypto';
import { MAX_SERVICE_EVENTS } from '../../api/v1/service.js';
import type { Clock } from './clock.js';
import type { KitClient } from './types.js';

/** The kinds whose objects keep events. */
export type EventKind = 'Service';

/** The object an event is about. */
export interface EventTarget {
  kind: EventKind;
  cluster?: string;
  name: string;
}

export interface RecordOptions {
  /**
   * For a message describing a condition rather than an action ("cannot reach X"): not recorded
   * again while the same message is among the events of the last `repeatMs` (as the service
   * controller does with "unable to place a task"). Absent: always recorded.
   */
  repeatMs?: number;
}

export interface EventRecorder {
  /** Adds `message` to the target's events; resolves to whether it was added (see `repeatMs`). */
  record(target: EventTarget, message: string, options?: RecordOptions): Promise<boolean>;
}

/** An event was recorded on a kind that keeps none, or with no message. */
export class EventRecordError extends Error {
  override readonly name = 'EventRecordError';
  readonly retriable = false;
}

/** A recorder writing through `client` (a status mutate: it retries on conflicts with the status owner's writes). */
export function eventRecorder(client: Pick<KitClient, 'mutate'>, clock: Clock, newId: () => string = randomUUID): EventRecorder {
  return {
    async record(target, message, options = {}) {
      const kind: string = target.kind;
      if (kind !== 'Service') throw new EventRecordError(`cannot record an event on ${kind} ${target.name}: only Service objects keep events (status.events)`);
      if (message.trim() === '') throw new EventRecordError(`event on Service ${target.name}: the message is empty`);
      let added = false;
      await client.mutate(
        'Service',
        target,
        (svc) => {
          const now = clock.now();
          const events = svc.status?.events ?? [];
          const { repeatMs } = options;
          added = repeatMs === undefined || !events.some((e) => e.message === message && Date.parse(e.createdAt) > now - repeatMs);
          if (!added) return;
          const event = { id: newId(), createdAt: new Date(now).toISOString(), message };
          // A service the controller has not written status for yet: its counts start at zero, as
          // the schema's defaults would make them; the service controller writes the real ones.
          const base = svc.status ?? { runningCount: 0, pendingCount: 0, desiredCount: 0, deployments: [], history: [], events: [] };
          svc.status = { ...base, events: [event, ...events].slice(0, MAX_SERVICE_EVENTS) };
        },
        { subresource: 'status' },
      );
      return added;
    },
  };
}
