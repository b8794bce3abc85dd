/**
 * HAProxy's Runtime API over a UNIX socket: one command per connection (non-interactive mode, the
 * answer ends when HAProxy closes it), and the parse of `show servers state`.
 */
import { connect } from 'node:net';

export class HaproxyCommandError extends Error {
  override readonly name = 'HaproxyCommandError';
  readonly retriable = true;
}

export function runtimeCommand(socketPath: string, command: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const socket = connect(socketPath, () => socket.end(`${command}\n`));
    socket.setTimeout(timeoutMs, () => socket.destroy(new HaproxyCommandError(`HAProxy did not answer "${command}" within ${timeoutMs} ms on ${socketPath}`)));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

/** Answers that mean a command failed (HAProxy answers 200-style text, not codes). */
const FAILURE = /^(No such|Unknown|Require|.*(?:not found|failed|cannot|Cannot|invalid|Invalid|must|error|Error))/m;

/** Runs a command and throws when HAProxy refuses it. */
export async function runtimeCommandChecked(socketPath: string, command: string): Promise<string> {
  const out = await runtimeCommand(socketPath, command);
  if (FAILURE.test(out.trim())) throw new HaproxyCommandError(`HAProxy refused "${command}": ${out.trim()}`);
  return out;
}

export interface ServerState {
  backend: string;
  name: string;
  address: string;
  port: number;
  /** 0 stopped (down), 1 starting (slow start), 2 running, 3 stopping. */
  opState: number;
  adminState: number;
  /** 0 unknown, 1 neutral, 2 failed, 3 passed, 4 conditionally passed. */
  checkResult: number;
}

/** Admin state flags (HAProxy's SRV_ADMF_*). */
export const ADMIN = { forcedMaint: 0x01, inheritedMaint: 0x02, configMaint: 0x04, forcedDrain: 0x08, inheritedDrain: 0x10, resolutionMaint: 0x20 } as const;
export const isDraining = (s: ServerState) => (s.adminState & ADMIN.forcedDrain) !== 0;
export const isMaint = (s: ServerState) => (s.adminState & (ADMIN.forcedMaint | ADMIN.inheritedMaint | ADMIN.configMaint | ADMIN.resolutionMaint)) !== 0;

/** The rows of `show servers state` (version line, `#` header, one row per server). */
export function parseServersState(text: string): ServerState[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && l.includes(' '))
    .flatMap((line) => {
      const f = line.split(/\s+/);
      const [backend, name, address, op, admin, checkResult, port] = [f[1], f[3], f[4], f[5], f[6], f[11], f[18]];
      if (backend === undefined || name === undefined || address === undefined || port === undefined) return [];
      return [{ backend, name, address, port: Number(port), opState: Number(op), adminState: Number(admin), checkResult: Number(checkResult) }];
    });
}

/** What a proxy reports of one server's checks. */
export function healthOfServer(s: ServerState): 'healthy' | 'unhealthy' | 'initial' {
  if (s.opState === 1 || s.opState === 2) return 'healthy';
  return s.checkResult === 2 ? 'unhealthy' : 'initial';
}
