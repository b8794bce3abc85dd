/**
 * A private etcd for one benchmark run: a fresh data dir on free ports, removed afterwards. The
 * shared etcd of hack/services.sh keeps what every earlier run wrote (the raw-etcd figure alone
 * leaves ~200,000 keys), and its compactions and lease expiries then load the CPU the run is
 * measured on: placement on it fell from ~300 to ~26 tasks/s over three runs on one machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { singleMemberEtcdArgs } from './etcd-args.js';

export interface PrivateEtcd {
  endpoint: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** Starts `etcd` (Debian's etcd-server; hack/install-deps.sh installs it) and waits until it answers. */
export async function startPrivateEtcd(): Promise<PrivateEtcd> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child = spawn(
    'etcd',
    [...singleMemberEtcdArgs({ name: 'berth-bench', dataDir: dir, clientUrl: endpoint, peerUrl }), '--quota-backend-bytes', String(4 * 2 ** 30)],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 30_000; !(await answers(endpoint));) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `bench: a private etcd (data dir ${dir}) did not answer at ${endpoint} within 30 s; is etcd-server installed (bash hack/install-deps.sh)?`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, stop };
}
