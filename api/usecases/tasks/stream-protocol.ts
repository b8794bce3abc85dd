/**
 * What travels over the WebSockets of `berth exec` and `berth port-forward`, client → API server →
 * agent; the API server relays messages unchanged.
 *
 * exec: every message is binary, its first byte a channel (as Kubernetes' channel.k8s.io):
 *   0 stdin (client →)          1 stdout, 2 stderr (← agent)
 *   3 status, JSON ExecStatus (← agent, last; the socket closes after it)
 *   4 resize, JSON TerminalSize (client →)    5 end of stdin (client →, no payload)
 * port-forward: one WebSocket per TCP connection; its binary messages are the connection's bytes
 * both ways. A connection the agent cannot make closes the socket with PORT_UNREACHABLE and why.
 *
 * WebSocket (RFC 6455) rather than a bare HTTP upgrade: message framing, so channels and the final
 * status need no framing of our own, and every hop (fastify on the API server, node:http on the
 * agent, the CLI) speaks it with the `ws` library.
 */
import { z } from 'zod';

export const EXEC_CHANNEL = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, stdinEnd: 5 } as const;
export type ExecChannel = (typeof EXEC_CHANNEL)[keyof typeof EXEC_CHANNEL];

/** WebSocket close codes of our own (4000–4999 are the application's). */
export const CLOSE = {
  /** The agent could not connect to the container's port. */
  PORT_UNREACHABLE: 4502,
  /** The hop failed: agent unreachable, refused, or the task has no such container. */
  HOP_FAILED: 4503,
} as const;

export const ExecStatus = z.strictObject({
  /** The process's exit code; absent when it could not be started. */
  exitCode: z.int().optional(),
  /** Why it could not be started (or broke off). */
  error: z.string().optional(),
});
export type ExecStatus = z.infer<typeof ExecStatus>;

export const TerminalSize = z.strictObject({ cols: z.int().min(1).max(10_000), rows: z.int().min(1).max(10_000) });
export type TerminalSize = z.infer<typeof TerminalSize>;

export function frame(channel: ExecChannel, data: Buffer | string = ''): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), payload]);
}

export function unframe(message: Buffer): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0] ?? -1, data: message.subarray(1) };
}

/** A message's payload as one Buffer, whatever shape `ws` handed it in. */
export function messageBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

const Bool = z.enum(['true', '1', 'false', '0']).transform((v) => v === 'true' || v === '1');
const Strings = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/** The query of an exec, on both hops: `command` repeated once per argument. */
export const ExecQuery = z.object({
  container: z.string().min(1).optional(),
  command: Strings.pipe(z.array(z.string()).min(1, 'give the command to run after --')),
  tty: Bool.default(false),
  stdin: Bool.default(false),
});
export type ExecQuery = z.infer<typeof ExecQuery>;

export const PortForwardQuery = z.object({
  container: z.string().min(1).optional(),
  port: z.coerce.number().int().min(1).max(65535),
});

export function execQueryString(q: { container?: string; command: string[]; tty: boolean; stdin: boolean }): string {
  const params = new URLSearchParams();
  if (q.container !== undefined) params.set('container', q.container);
  for (const arg of q.command) params.append('command', arg);
  params.set('tty', q.tty ? '1' : '0');
  params.set('stdin', q.stdin ? '1' : '0');
  return params.toString();
}

/** `URLSearchParams` → the object zod parses (repeated keys become arrays, as fastify's parser makes them). */
export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  return out;
}
