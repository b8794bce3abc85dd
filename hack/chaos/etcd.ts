/**
 * The chaos run's own single-member etcd (never the shared one): a client and a peer port of the
 * run's range and a data directory of its own, so a fault can kill -9 it and start it again on
 * the same data, as a crashed and restarted etcd member would be.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../api/log.js';
import { singleMemberEtcdArgs } from '../etcd-args.js';
import { Proc, waitReady } from './process.js';

const EtcdHealth = z.object({ health: z.string() });

export class ChaosEtcd {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'berth-chaos-etcd-'));
  private readonly proc: Proc;

  constructor(
    readonly clientPort: number,
    peerPort: number,
    log: Logger,
  ) {
    const client = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    this.proc = new Proc('etcd', 'etcd', singleMemberEtcdArgs({ name: 'berth-chaos', dataDir: this.dataDir, clientUrl: client, peerUrl: peer }), log);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  async start(): Promise<void> {
    this.proc.start();
    await waitReady(this.proc, () => this.healthy(), 20_000);
  }

  /** kill -9: what etcd acknowledged is on disk (it fsyncs before it answers). */
  async kill(): Promise<void> {
    await this.proc.kill();
  }

  async destroy(): Promise<void> {
    await this.proc.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async healthy(): Promise<boolean> {
    const res = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok && EtcdHealth.safeParse(await res.json()).data?.health === 'true';
  }
}
