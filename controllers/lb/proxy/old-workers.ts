/**
 * The workers a reload leaves behind (pure). After a seamless reload the old worker keeps the
 * connections it had and, with `option idle-close-on-response`, answers one more request on each
 * idle keep-alive connection, routed by the maps it holds: a shift stored after the reload would
 * not reach that request, which could then go to a target that is gone. So every map change is
 * set in the old workers too (the master socket's `@!<pid>`), where that is safe: an old worker's
 * servers are frozen (its proxies are disabled: server commands are refused there), so a change
 * sending a share to a backend in which it has no usable server is not set there. That worker
 * then holds the change back from being reported routed until it can route no new request: its
 * idle connections have timed out (KEEP_ALIVE_SECONDS after the reload), or it has exited.
 */
import type { Desired } from './desired.js';
import { healthOfServer, isDraining, isMaint, type ServerState } from './runtime-api.js';
import { backendsTakingShare } from './weights.js';

/** HAProxy's `timeout http-keep-alive` (the config sets it): how long an idle connection stays open, in the old workers too. */
export const KEEP_ALIVE_SECONDS = 60;

/** The pids under `# old workers` in the master's `show proc`. */
export function parseOldWorkers(showProc: string): string[] {
  const pids: string[] = [];
  let old = false;
  for (const line of showProc.split('\n')) {
    const l = line.trim();
    if (l.startsWith('#')) old = l === '# old workers';
    else if (old && /^\d+\s/.test(l)) pids.push(l.split(/\s+/)[0] ?? '');
  }
  return pids.filter((p) => p !== '');
}

/** Whether a worker whose servers are `running` can route `desired`: every backend taking a share has a server up, neither drained nor in maintenance. */
export function canRoute(desired: Desired, running: readonly ServerState[]): boolean {
  const usable = new Set(running.filter((s) => healthOfServer(s) === 'healthy' && !isDraining(s) && !isMaint(s)).map((s) => s.backend));
  return [...backendsTakingShare(desired)].every((b) => usable.has(b));
}

/** Whether an old worker retired at `retiredAt` may still route a request (an idle connection of its may still send one). */
export function mayStillRoute(retiredAt: number, now: number): boolean {
  return now - retiredAt < KEEP_ALIVE_SECONDS * 1_000;
}
