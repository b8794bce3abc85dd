/**
 * Docker's event stream, filtered on the engine's side to berth's containers and the event types the
 * agent acts on, parsed line by line (zod at the edge) into RuntimeEvents.
 */
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { z } from 'zod';
import { lineSplitter } from '../../../api/lines.js';
import type { Logger } from '../../../api/log.js';
import { dockerCall } from './docker-error.js';
import { toRuntimeEvent } from './docker-normalize.js';
import { DockerEvent } from './docker-schemas.js';
import { DOCKER_LABELS } from './names.js';
import { RUNTIME_EVENT_TYPES, type EventOptions, type EventSubscription, type Labels, type RuntimeEvent } from './types.js';

/** Docker's label filter: `key` (present) or `key=value`. */
export function labelFilters(labels: Labels): string[] {
  return Object.entries(labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
}

/** One line of Docker's event stream, parsed (zod at the edge), or why it is not an event. */
export type EventLine = { event: DockerEvent } | { notJson: true } | { issues: z.core.$ZodIssue[] };

export function parseEventLine(line: string): EventLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { notJson: true };
  }
  const parsed = DockerEvent.safeParse(json);
  return parsed.success ? { event: parsed.data } : { issues: parsed.error.issues };
}

export async function subscribeToEvents(
  docker: Docker,
  log: Logger,
  onEvent: (event: RuntimeEvent) => void,
  options: EventOptions = {},
): Promise<EventSubscription> {
  const filters = {
    type: ['container' as const],
    event: [...RUNTIME_EVENT_TYPES],
    label: labelFilters({ [DOCKER_LABELS.task]: '', ...options.labels }),
  };
  // Docker subscribes before it answers, so once this resolves no later event can be missed.
  const stream = await dockerCall('subscribing to events', () => docker.getEvents({ filters }));
  let closed = false;

  const deliver = (line: string) => {
    const parsed = parseEventLine(line);
    if ('notJson' in parsed) {
      log.warn({ line: line.slice(0, 200) }, 'Docker sent an event that is not JSON; skipped');
      return;
    }
    if ('issues' in parsed) {
      log.warn({ issues: parsed.issues }, 'Docker sent an event berth does not understand; skipped');
      return;
    }
    const event = toRuntimeEvent(parsed.event);
    if (!event) return;
    try {
      onEvent(event);
    } catch (error) {
      // The handler's bug must not end the stream for every later event.
      log.error({ err: error, event }, 'runtime event handler threw');
    }
  };

  const end = (error?: Error) => {
    if (closed) return;
    closed = true;
    options.onEnd?.(error);
  };

  stream.on('data', lineSplitter(deliver));
  stream.on('error', (error: Error) => end(error));
  stream.on('end', () => end());
  stream.on('close', () => end());

  return {
    close() {
      closed = true;
      if (stream instanceof Readable) stream.destroy();
    },
  };
}
