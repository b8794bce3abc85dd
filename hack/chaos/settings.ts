/**
 * Where a chaos run puts what it makes — ports, its second engine's root, bridge and address pool —
 * read from the environment, so that two runs on one machine (CI's and a developer's) never meet:
 *   CHAOS_PORT_BASE (default 23800): etcd client at base, peer at base+1, the servers at base+20..22,
 *     the front at base+23 — a run needs base..base+23;
 *   CHAOS_ROOT (default /tmp/berth-chaos): the second engine's data, exec root and socket;
 *   CHAOS_BRIDGE, CHAOS_BRIDGE_CIDR, CHAOS_ADDRESS_POOL: its bridge and the pool of its task networks.
 */
import { CHAOS_ENGINE, type EngineSettings } from './engine.js';

export interface ChaosPorts {
  etcdClient: number;
  etcdPeer: number;
  servers: number[];
  front: number;
}

export const DEFAULT_PORT_BASE = 23800;
/** The highest port a run uses, above its base. */
const PORT_SPAN = 23;

export class ChaosSettingsError extends Error {
  override readonly name = 'ChaosSettingsError';
}

export function portsFrom(base: number): ChaosPorts {
  return { etcdClient: base, etcdPeer: base + 1, servers: [base + 20, base + 21, base + 22], front: base + PORT_SPAN };
}

export function chaosSettings(env: NodeJS.ProcessEnv): { ports: ChaosPorts; engine: EngineSettings } {
  const text = env.CHAOS_PORT_BASE;
  const base = text === undefined || text === '' ? DEFAULT_PORT_BASE : Number(text);
  if (!Number.isInteger(base) || base < 1024 || base + PORT_SPAN > 65535)
    throw new ChaosSettingsError(
      `CHAOS_PORT_BASE: "${text}" must be a whole number from 1024 to ${65535 - PORT_SPAN} (a run uses it and the next ${PORT_SPAN} ports)`,
    );
  const root = env.CHAOS_ROOT || CHAOS_ENGINE.root;
  if (!root.startsWith('/') || root === '/')
    throw new ChaosSettingsError(`CHAOS_ROOT: "${root}" must be an absolute path below / (the run removes it when done)`);
  const bridge = env.CHAOS_BRIDGE || CHAOS_ENGINE.bridge;
  // Linux interface names are at most 15 characters.
  if (!/^[a-zA-Z0-9_-]{1,15}$/.test(bridge)) throw new ChaosSettingsError(`CHAOS_BRIDGE: "${bridge}" must be 1–15 letters, digits, '-' or '_'`);
  return {
    ports: portsFrom(base),
    engine: {
      ...CHAOS_ENGINE,
      root,
      bridge,
      bridgeCidr: env.CHAOS_BRIDGE_CIDR || CHAOS_ENGINE.bridgeCidr,
      addressPool: env.CHAOS_ADDRESS_POOL || CHAOS_ENGINE.addressPool,
    },
  };
}
