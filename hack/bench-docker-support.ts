/**
 * What the real-Docker bench's sides share: the `docker` CLI with a time limit, polling and timing,
 * the health check's retries both sides are given, and containers running by Docker's events.
 */
import { execFile as execFileCb } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { DockerEvent } from '../controllers/agent/runtime/docker-schemas.js';
import { DOCKER_CALL_TIMEOUT_MS } from './bench-engine-events.js';

const execFile = promisify(execFileCb);
const POLL_MS = 50;
/**
 * Consecutive failed checks before a container is unhealthy, on both sides (Docker's and ECS's
 * default). A task turns healthy on its first passing check whatever this is; with 1, a single
 * `true` that took over the 2 s timeout on a busy machine (Docker's exec stalls under load) made a
 * new task unhealthy: berth replaced it, swarm paused its update.
 */
export const HEALTH_RETRIES = 3;

/** The `docker` CLI, as a user types it; a wedged engine fails the run instead of hanging it. */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await execFile('docker', args, { maxBuffer: 16 * 2 ** 20, timeout: DOCKER_CALL_TIMEOUT_MS });
  return stdout.trim();
}

export const lines = (s: string) => s.split('\n').filter((l) => l !== '');
export { sleep };

export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`bench: ${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(POLL_MS);
  }
}

export async function timed(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await call();
  return (performance.now() - start) / 1000;
}

export async function dockerLabelled(label: string, runningOnly: boolean): Promise<string[]> {
  return lines(await docker('ps', '-q', ...(runningOnly ? [] : ['-a']), '--filter', `label=${label}`, ...(runningOnly ? ['--filter', 'status=running'] : [])));
}

/** Containers running, from their start and die events (`initial`: running before the first event). */
export function runningFrom(events: readonly DockerEvent[], initial: readonly string[] = []): Set<string> {
  const running = new Set(initial);
  for (const e of events) track(running, e);
  return running;
}

export function track(running: Set<string>, e: DockerEvent): void {
  if (e.Action === 'start') running.add(e.Actor.ID);
  else if (e.Action === 'die') running.delete(e.Actor.ID);
}
