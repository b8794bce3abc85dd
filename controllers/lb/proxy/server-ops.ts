/**
 * The Runtime API commands that take the running servers to the desired ones (pure):
 * - a new target is added draining and forced down, then checked: HAProxy brings it up only after
 *   healthyThresholdCount passing checks, so no request reaches it before, and the proxy then makes
 *   it `ready` (a server added plainly would be up, and sent traffic, before its first check);
 * - a leaving target is set to `drain`: no new requests, in-flight ones finish;
 * - a removed target is put in maintenance, its remaining sessions shut, and deleted.
 *
 * A pass runs them around the map commands (passCommands): servers arrive, then the weights move,
 * then servers leave. A rollback stores the weights back to blue and then drains green; a pass that
 * sees both must not drain green while the maps still send it the listener's traffic (HAProxy
 * answers 503 "no server available" for a backend whose only server drains).
 */
import { serverOptions } from './haproxy-config.js';
import type { DesiredBackend } from './desired.js';
import { isDraining, isMaint, type ServerState } from './runtime-api.js';

export interface ServerCommands {
  /** Servers added or made ready: run before the weights move (a new one takes no request until its checks pass). */
  arrive: string[];
  /** Servers drained, removed or replaced: run after the weights moved away from them. */
  leave: string[];
}

/** One pass's commands in order: servers arriving, the maps (routes, then thresholds), servers leaving. */
export function passCommands(servers: ServerCommands, maps: readonly string[]): string[] {
  return [...servers.arrive, ...maps, ...servers.leave];
}

export function serverCommands(backends: readonly DesiredBackend[], running: readonly ServerState[]): ServerCommands {
  const arrive: string[] = [];
  const leave: string[] = [];
  const byBackend = new Map<string, Map<string, ServerState>>();
  for (const s of running) {
    const m = byBackend.get(s.backend) ?? new Map<string, ServerState>();
    m.set(s.name, s);
    byBackend.set(s.backend, m);
  }
  for (const b of backends) {
    // Called once the running config has every desired backend (the proxy reloads first): one
    // without a row in `show servers state` has no servers yet.
    const current = byBackend.get(b.name) ?? new Map<string, ServerState>();
    const wanted = new Set(b.servers.map((s) => s.name));
    for (const s of b.servers) {
      const id = `${b.name}/${s.name}`;
      const now = current.get(s.name);
      const added = [
        `add server ${id} ${s.address}:${s.port} ${serverOptions(b.spec)}`,
        `enable health ${id}`,
        `set server ${id} state drain`,
        `set server ${id} health down`,
      ];
      if (now && (now.address !== s.address || now.port !== s.port)) {
        // The old address is another container, gone or going: replaced in one sequence (the add needs the name free).
        leave.push(...remove(id), ...added);
      } else if (now) {
        if (s.draining && !isDraining(now)) leave.push(`set server ${id} state drain`);
        else if (!s.draining && (isDraining(now) || isMaint(now)) && (now.opState === 1 || now.opState === 2)) arrive.push(`set server ${id} state ready`);
        else if (!s.draining && isMaint(now)) arrive.push(`enable health ${id}`, `set server ${id} state drain`, `set server ${id} health down`);
      } else {
        arrive.push(...added);
      }
    }
    for (const name of current.keys()) if (!wanted.has(name)) leave.push(...remove(`${b.name}/${name}`));
  }
  return { arrive, leave };
}

function remove(id: string): string[] {
  return [`set server ${id} state maint`, `shutdown sessions server ${id}`, `del server ${id}`];
}
