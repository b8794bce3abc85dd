/**
 * Host ports for dynamic port mappings (hostPort 0). The agent, not Docker, picks them so that it
 * knows a task's ports before the container exists (to report them, and to name them in the create
 * options, which keeps toContainerSpec pure).
 *
 * A port is handed out only when no container on the engine publishes it, nothing on the host has it
 * bound (checked by binding it for a moment), and it is not already handed out; it stays handed out
 * until released, so two tasks never get the same port even before either container starts. The
 * search walks the range round-robin from where it last stopped, as ECS's agent does, so a port just
 * released is the last to be reused (clients may still hold connections to its old owner).
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { HostPortsExhaustedError } from './errors.js';

export type Protocol = 'tcp' | 'udp';

/** ECS's default ephemeral range for dynamic host ports. */
export const DEFAULT_DYNAMIC_PORT_RANGE = { min: 49153, max: 65535 } as const;

export interface HostPortAllocatorOptions {
  range?: { min: number; max: number };
  /** Ports published by containers on this engine (ContainerRuntime.publishedPorts). */
  publishedPorts: () => Promise<{ hostPort: number; protocol: Protocol }[]>;
  /** Whether the host lets us bind the port right now; default: really bind it on 0.0.0.0 and let go. */
  isFree?: (port: number, protocol: Protocol) => Promise<boolean>;
  /** Ports never to hand out (the instance's reserved ports). */
  reserved?: readonly number[];
}

const key = (port: number, protocol: Protocol) => `${port}/${protocol}`;

export class HostPortAllocator {
  private readonly range: { min: number; max: number };
  private readonly handedOut = new Set<string>();
  private readonly reserved: ReadonlySet<number>;
  private readonly isFree: (port: number, protocol: Protocol) => Promise<boolean>;
  private next: number;

  constructor(private readonly options: HostPortAllocatorOptions) {
    this.range = options.range ?? DEFAULT_DYNAMIC_PORT_RANGE;
    if (!(this.range.min >= 1 && this.range.max <= 65535 && this.range.min <= this.range.max))
      throw new RangeError(`dynamic port range ${this.range.min}-${this.range.max} must lie within 1-65535, min <= max`);
    this.reserved = new Set(options.reserved ?? []);
    this.isFree = options.isFree ?? canBind;
    this.next = this.range.min;
  }

  /** A free host port, now handed out to the caller until `release`. */
  async allocate(protocol: Protocol = 'tcp'): Promise<number> {
    const published = new Set((await this.options.publishedPorts()).map((p) => key(p.hostPort, p.protocol)));
    const size = this.range.max - this.range.min + 1;
    for (let tried = 0; tried < size; tried++) {
      const port = this.next;
      this.next = port === this.range.max ? this.range.min : port + 1;
      const k = key(port, protocol);
      if (this.handedOut.has(k) || this.reserved.has(port) || published.has(k)) continue;
      // Claim before the async check, so a concurrent allocate cannot take the same port meanwhile.
      this.handedOut.add(k);
      if (await this.isFree(port, protocol)) return port;
      this.handedOut.delete(k);
    }
    throw new HostPortsExhaustedError(this.range, protocol);
  }

  /**
   * Marks a port as taken without searching: ports of containers the agent finds after a restart.
   * Returns false when it was already handed out.
   */
  claim(port: number, protocol: Protocol = 'tcp'): boolean {
    const k = key(port, protocol);
    if (this.handedOut.has(k)) return false;
    this.handedOut.add(k);
    return true;
  }

  release(port: number, protocol: Protocol = 'tcp'): void {
    this.handedOut.delete(key(port, protocol));
  }

  isHandedOut(port: number, protocol: Protocol = 'tcp'): boolean {
    return this.handedOut.has(key(port, protocol));
  }
}

/** Binds the port on every IPv4 address for a moment: EADDRINUSE (or EACCES) means it is not free. */
export function canBind(port: number, protocol: Protocol): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', () => {
        socket.close();
        resolve(false);
      });
      socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve(true)));
      return;
    }
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
