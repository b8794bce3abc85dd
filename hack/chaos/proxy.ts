/**
 * A TCP front for the API server replicas, as a load balancer stands in front of `berth server`
 * replicas in an HA install: each connection goes to a replica that accepts it (tried in a random
 * order), so agents keep one server URL while single replicas die and come back.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class ApiFront {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly backends: () => number[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private forward(client: Socket): void {
    this.track(client);
    client.pause();
    client.on('error', () => undefined);
    const ports = rotate(this.backends());
    const attempt = (i: number) => {
      const port = ports[i];
      if (port === undefined || client.destroyed) return void client.destroy();
      const upstream = connect(port, '127.0.0.1');
      let connected = false;
      upstream.on('error', () => {
        upstream.destroy();
        if (connected) client.destroy();
        else attempt(i + 1); // refused: this replica is down, try the next
      });
      upstream.once('connect', () => {
        connected = true;
        this.track(upstream);
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }
}

/** The ports from a random one on, so connections spread over the replicas. */
function rotate(ports: number[]): number[] {
  const at = Math.floor(Math.random() * ports.length);
  return [...ports.slice(at), ...ports.slice(0, at)];
}
