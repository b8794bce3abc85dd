/**
 * The Runtime API commands that take the running servers to the desired ones (pure):
 * - a new target is added draining and forced down, then checked: HAProxy brings it up only after
 *   healthyThresholdCount passing checks, so no request reaches it before, and the proxy then makes
 *   it `ready` (a server added plainly would be up, and sent traffic, before its first check);
 * - a leaving target is set to `drain`: no new requests, in-flight ones finish;
 * - a removed target is put in maintenance, its remaining sessions shut, and deleted.
 */
import { serverOptions } from './haproxy-config.js';
import type { DesiredBackend } from './desired.js';
import { isDraining, isMaint, type ServerState } from './runtime-api.js';

export function serverCommands(backends: readonly DesiredBackend[], running: readonly ServerState[]): string[] {
  const commands: string[] = [];
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
      if (now && (now.address !== s.address || now.port !== s.port)) {
        commands.push(...remove(id));
      } else if (now) {
        if (s.draining && !isDraining(now)) commands.push(`set server ${id} state drain`);
        else if (!s.draining && (isDraining(now) || isMaint(now)) && (now.opState === 1 || now.opState === 2)) commands.push(`set server ${id} state ready`);
        else if (!s.draining && isMaint(now)) commands.push(`enable health ${id}`, `set server ${id} state drain`, `set server ${id} health down`);
        continue;
      }
      commands.push(
        `add server ${id} ${s.address}:${s.port} ${serverOptions(b.spec)}`,
        `enable health ${id}`,
        `set server ${id} state drain`,
        `set server ${id} health down`,
      );
    }
    for (const name of current.keys()) if (!wanted.has(name)) commands.push(...remove(`${b.name}/${name}`));
  }
  return commands;
}

function remove(id: string): string[] {
  return [`set server ${id} state maint`, `shutdown sessions server ${id}`, `del server ${id}`];
}
