/**
 * Docker's own events, as the bench's observers of the engine read them: swarm's rounds, the berth
 * rounds timed as swarm's are, and the rolling update's floor all watch the same stream.
 */
import Docker from 'dockerode';
import { lineSplitter } from '../api/lines.js';
import { parseEventLine } from '../controllers/agent/runtime/docker-events.js';
import type { DockerEvent } from '../controllers/agent/runtime/docker-schemas.js';

/** No docker call of the bench takes a minute on a working engine: one that does means a wedged
 * dockerd (seen once with swarm), and the run should fail and say so rather than hang. */
export const DOCKER_CALL_TIMEOUT_MS = 120_000;

/** Docker's events from `since` on (so nothing between taking the time and subscribing is missed). */
export interface EngineEvents {
  until(what: string, done: (events: readonly DockerEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/**
 * Subscribes to the engine's events matching `filters` (Docker's own filter syntax). `onEvent`, when
 * given, sees each event as it arrives, before any `until` re-checks: for an observer that acts on
 * the engine in step with it (the update floor stops an old container on a new one's health).
 */
export async function engineEvents(filters: Record<string, string[]>, since: number, onEvent?: (event: DockerEvent) => void): Promise<EngineEvents> {
  let timer: NodeJS.Timeout | undefined;
  const stream = await Promise.race([
    new Docker().getEvents({ since: since / 1000, filters }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('bench: dockerd did not answer an events request within 120 s (a wedged engine: restart dockerd)')),
        DOCKER_CALL_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  const seen: DockerEvent[] = [];
  let wake: () => void = () => undefined;
  const split = lineSplitter((line) => {
    const parsed = parseEventLine(line);
    if (!('event' in parsed)) return; // not an event (Docker never sends one, in practice): skipped
    seen.push(parsed.event);
    onEvent?.(parsed.event);
  });
  stream.on('data', (chunk: Buffer | string) => {
    split(chunk);
    wake();
  });
  return {
    async until(what, done, timeoutMs = 120_000) {
      const deadline = performance.now() + timeoutMs;
      while (!done(seen)) {
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`bench: ${what} did not happen within ${timeoutMs / 1000} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    close() {
      if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
    },
  };
}
