/**
 * An etcd of the test's own (not the shared one at BERTH_ETCD_ENDPOINT), on other ports with its
 * own data directory, so a test can really stop, restart and compact it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { singleMemberEtcdArgs } from '../hack/etcd-args.js';

export interface TestCerts {
  dir: string;
  ca: string;
  clientCert: string;
  clientKey: string;
}

/** A throwaway CA with a server certificate for 127.0.0.1 and a client certificate (EC keys: fast). */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'berth-etcd-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=berth-test-ca');
  for (const [name, usage] of [
    ['server', 'serverAuth'],
    ['client', 'clientAuth'],
  ] as const) {
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? '127.0.0.1' : 'root'}`);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=IP:127.0.0.1\nextendedKeyUsage=${usage}\n`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { dir, ca: read('ca.crt'), clientCert: read('client.crt'), clientKey: read('client.key') };
}

export class EtcdProcess {
  private child: ChildProcess | undefined;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'berth-etcd-restart-'));

  constructor(
    readonly clientPort = 23790,
    readonly peerPort = 23800,
    /** Serve clients over TLS and require client certificates signed by this CA. */
    readonly tls?: TestCerts,
  ) {}

  get endpoint(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.clientPort}`;
  }

  async start(): Promise<void> {
    const client = this.endpoint;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.child = spawn(
      'etcd',
      [
        ...singleMemberEtcdArgs({ name: 'berth-restart-test', dataDir: this.dataDir, clientUrl: client, peerUrl: peer }),
        ...(this.tls
          ? [
              '--cert-file',
              join(this.tls.dir, 'server.crt'),
              '--key-file',
              join(this.tls.dir, 'server.key'),
              '--client-cert-auth',
              '--trusted-ca-file',
              join(this.tls.dir, 'ca.crt'),
            ]
          : []),
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`test etcd exited with ${this.child.exitCode} (ports ${this.clientPort}/${this.peerPort} in use?)`);
      if (await this.healthy()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`test etcd at ${client} did not become healthy within 20 s`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async healthy(): Promise<boolean> {
    if (this.tls) return this.listening();
    try {
      const res = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    } catch {
      return false;
    }
  }

  private listening(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.clientPort, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
  }
}
