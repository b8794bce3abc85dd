/**
 * The chaos run's berth: N `berth server` replicas on the run's etcd, an API front over them, and
 * M `berth agent` processes on the second engine — all the real binary (dist/cli/main.js), so a
 * kill -9 or SIGSTOP hits exactly what a user runs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HttpClient } from '../../api/client/http-client.js';
import { ADMIN_TOKEN_FILE } from '../../api/auth/admin-token.js';
import { newToken } from '../../api/auth/tokens.js';
import type { Logger } from '../../api/log.js';
import { Proc, waitReady } from './process.js';
import { ApiFront } from './proxy.js';

export const BERTH_BIN = resolve('dist/cli/main.js');

export interface ControlPlaneSettings {
  etcd: string;
  serverPorts: number[];
  frontPort: number;
  /** --leader-ttl of the servers. */
  leaderTtlSeconds: number;
  cluster: string;
  agents: string[];
  dockerHost: string;
}

export class ChaosPlane {
  readonly servers: Proc[];
  readonly agents = new Map<string, Proc>();
  readonly front: ApiFront;
  readonly adminToken = newToken();
  private readonly dir = mkdtempSync(join(tmpdir(), 'berth-chaos-plane-'));
  private readonly agentTokens = new Map<string, string>();

  constructor(
    readonly settings: ControlPlaneSettings,
    private readonly log: Logger,
  ) {
    const env = this.env();
    this.servers = settings.serverPorts.map((port, i) => {
      const dataDir = join(this.dir, `server-${i}`);
      // Every replica registers the same admin token (the file is read when it exists), so one
      // client works against whichever replica is up.
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dataDir, ADMIN_TOKEN_FILE), `${this.adminToken}\n`, { mode: 0o600 });
      return new Proc(
        `server-${i}`,
        process.execPath,
        [
          BERTH_BIN,
          'server',
          '--etcd',
          settings.etcd,
          '--listen',
          `127.0.0.1:${port}`,
          '--data-dir',
          dataDir,
          '--leader-ttl',
          String(settings.leaderTtlSeconds),
        ],
        log,
        env,
      );
    });
    this.front = new ApiFront(settings.frontPort, () => settings.serverPorts.filter((_, i) => this.servers[i]?.alive()));
  }

  /** An admin client of one replica (a random live one unless `index` is given). */
  client(index?: number): HttpClient {
    const live = this.settings.serverPorts.filter((_, i) => this.servers[i]?.alive());
    const port = index !== undefined ? this.settings.serverPorts[index] : live[Math.floor(Math.random() * live.length)];
    return new HttpClient({ server: `http://127.0.0.1:${port ?? this.settings.frontPort}`, token: this.adminToken });
  }

  async start(): Promise<void> {
    await this.front.start();
    for (let i = 0; i < this.servers.length; i++) await this.startServer(i);
    const admin = this.client(0);
    await admin.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: this.settings.cluster }, spec: {} });
    for (const name of this.settings.agents) {
      this.agentTokens.set(name, await admin.issueAgentToken(this.settings.cluster, name));
      this.startAgent(name);
    }
  }

  async startServer(i: number): Promise<void> {
    const proc = this.servers[i];
    const port = this.settings.serverPorts[i];
    if (!proc || port === undefined) throw new Error(`chaos: no server ${i}`);
    proc.start();
    // Generous: on a machine shared with other work a restarted server was seen to need over a minute.
    await waitReady(proc, async () => (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) })).ok, 180_000);
  }

  startAgent(name: string): void {
    const token = this.agentTokens.get(name);
    if (token === undefined) throw new Error(`chaos: agent ${name} has no token`);
    const proc =
      this.agents.get(name) ??
      new Proc(
        `agent-${name}`,
        process.execPath,
        [
          BERTH_BIN,
          'agent',
          '--cluster',
          this.settings.cluster,
          '--name',
          name,
          '--docker-host',
          this.settings.dockerHost,
          '--logs-listen',
          '127.0.0.1:0',
          '--cpu',
          '4096',
          '--memory',
          '4096',
        ],
        this.log,
        { ...this.env(), BERTH_SERVER: this.front.url, BERTH_TOKEN: token },
      );
    this.agents.set(name, proc);
    proc.start();
  }

  /** The pid recorded in the controller-manager leader key's identity (host:pid), if it is a server's. */
  leaderIndex(identity: string | undefined): number | undefined {
    const pid = Number(identity?.split(':').at(-1));
    const i = this.servers.findIndex((s) => s.pid === pid);
    return i >= 0 ? i : undefined;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.stop()));
    await Promise.all(this.servers.map((s) => s.stop()));
    await this.front.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, BERTH_CONFIG: join(this.dir, 'config'), BERTH_LOG_LEVEL: process.env.BERTH_CHAOS_CHILD_LOG_LEVEL ?? 'warn' };
  }
}
