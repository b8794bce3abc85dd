/**
 * The chaos run's second Docker engine (see "Several container instances on one machine" in the
 * design notes): its own data-root, exec-root, socket and bridge, so a fault can restart it without
 * touching the shared engine. Never `--bridge none` (seen to remove the first engine's docker0).
 * Its networks come from a pool of their own, away from the shared engine's default pools.
 */
import { execFileSync, spawn } from 'node:child_process';
import { z } from 'zod';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Logger } from '../../api/log.js';
import { Proc, waitReady } from './process.js';

export interface EngineSettings {
  root: string;
  bridge: string;
  bridgeCidr: string;
  addressPool: string;
  image: string;
}

export const CHAOS_ENGINE: EngineSettings = {
  root: '/tmp/berth-chaos',
  bridge: 'br-bchaos',
  bridgeCidr: '172.29.0.1/16',
  addressPool: 'base=10.229.0.0/16,size=24',
  image: process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1',
};

export class ChaosEngine {
  readonly socket: string;
  readonly docker: Docker;
  private readonly proc: Proc;
  private readonly dataRoot: string;
  /** Set once setUp has made the root and bridge: tearDown removes only what this run made. */
  private made = false;

  constructor(
    private readonly settings: EngineSettings,
    private readonly log: Logger,
  ) {
    this.socket = join(settings.root, 'docker.sock');
    this.dataRoot = join(settings.root, 'data');
    this.docker = new Docker({ socketPath: this.socket });
    this.proc = new Proc(
      'dockerd',
      'dockerd',
      [
        '--data-root',
        this.dataRoot,
        '--exec-root',
        join(settings.root, 'exec'),
        '--pidfile',
        join(settings.root, 'docker.pid'),
        '-H',
        `unix://${this.socket}`,
        '-b',
        settings.bridge,
        '--iptables=false',
        '--default-address-pool',
        settings.addressPool,
      ],
      log,
    );
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  /** Bridge, dockerd, and the test image (docker save | docker load: no registry here). */
  async setUp(): Promise<void> {
    this.clearStale();
    mkdirSync(this.settings.root, { recursive: true });
    this.made = true;
    this.shareRoot();
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    ip('link', 'add', this.settings.bridge, 'type', 'bridge');
    ip('addr', 'add', this.settings.bridgeCidr, 'dev', this.settings.bridge);
    ip('link', 'set', this.settings.bridge, 'up');
    await this.start();
    await loadImage(this.settings.image, this.host);
  }

  /**
   * The engine's root as a shared mount of its own, as everything is on a systemd host (systemd makes
   * `/` shared at boot), where `systemctl restart docker` runs. On a root that is not shared, dockerd
   * bind-mounts its data root onto itself (not recursively) and detaches that bind as it shuts down,
   * while it still serves container starts on kept-alive connections: a start cut off by its exit
   * left its layer mounted under the detached bind, the next dockerd's bind hid it, and Docker could
   * never remove that container (unlinkat …/merged: device or resource busy), through any number of
   * restarts. On a shared root dockerd makes no bind, and such a leftover mount stays where the next
   * dockerd's removal unmounts it.
   */
  private shareRoot(): void {
    const root = this.settings.root;
    if (!mounted(root)) execFileSync('mount', ['--bind', root, root], { stdio: 'pipe' });
    execFileSync('mount', ['--make-rshared', root], { stdio: 'pipe' });
  }

  async start(): Promise<void> {
    // A dockerd started again on a data root whose network store it wrote before (-b with a bridge
    // of its own) deleted the SHARED engine's docker0 on this machine's Docker, after which every
    // container on the shared engine failed to start. Each start therefore begins with an empty
    // network store: the engine's containers are gone after a stop anyway (no live-restore), and
    // berth's agent must make its task networks again, as after an engine that lost its state.
    rmSync(join(this.dataRoot, 'network'), { recursive: true, force: true });
    this.proc.start();
    await waitReady(this.proc, async () => (await this.docker.ping(), true), 30_000);
  }

  /** As `systemctl restart docker` does it: a clean stop (its containers die), then a start. */
  async stop(): Promise<void> {
    await this.proc.stop(20_000);
    this.unmountDataRoot();
    this.deletePoolBridges();
  }

  /**
   * The bridges of this engine's task networks (br-*, an address in its pool, which no other engine
   * uses): dockerd leaves them in the kernel when it stops, and the next start forgets them (its
   * network store is emptied, see start), so without this every restart leaks one per network and
   * the pool's subnets run out over runs. Called with the engine stopped.
   */
  private deletePoolBridges(): void {
    const pool = poolBase(this.settings.addressPool);
    const links = z
      .array(z.object({ ifname: z.string().optional(), addr_info: z.array(z.object({ local: z.string() })).optional() }))
      .parse(JSON.parse(execFileSync('ip', ['-j', '-4', 'addr', 'show', 'type', 'bridge'], { encoding: 'utf8' })));
    const ours = links.filter((l) => l.ifname?.startsWith('br-') && l.addr_info?.some((a) => inCidr(a.local, pool)));
    for (const l of ours) if (l.ifname) deleteLink(l.ifname);
    if (ours.length > 0) this.log.info({ bridges: ours.length, pool: this.settings.addressPool }, "deleted the stopped engine's network bridges");
  }

  /** Everything the run made: its containers and networks go with the engine's data root. */
  async tearDown(): Promise<void> {
    if (!this.made) return;
    if (this.proc.alive()) {
      // `this.docker` is this run's own dockerd (its own socket and data root, started above), never
      // the shared engine: everything on it was made by this run.
      const containers = await this.docker.listContainers({ all: true }).catch(() => []);
      await Promise.all(
        containers.map((c) =>
          this.docker
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
    }
    await this.proc.stop(20_000);
    this.killLeftoverShims();
    this.unmountAll();
    this.deletePoolBridges();
    deleteLink(this.settings.bridge);
    rmSync(this.settings.root, { recursive: true, force: true });
    this.log.info({ root: this.settings.root }, 'second engine removed');
  }

  /**
   * What a run killed before its clean-up left behind (its root, the bridge), removed — unless its
   * dockerd still runs, which means another chaos run is going on this machine.
   */
  private clearStale(): void {
    const pidFile = join(this.settings.root, 'docker.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
    if (Number.isInteger(pid) && processAlive(pid))
      throw new Error(`chaos: the dockerd of ${this.settings.root} (pid ${pid}) is running: another chaos run is going on this machine`);
    if (existsSync(this.settings.root)) {
      this.log.warn({ root: this.settings.root }, 'removing what an earlier chaos run left behind');
      this.killLeftoverShims();
      this.unmountAll();
      rmSync(this.settings.root, { recursive: true, force: true });
    }
    this.deletePoolBridges();
    deleteLink(this.settings.bridge);
  }

  /**
   * A dockerd killed after its stop grace (a loaded machine) leaves containerd shims of this engine
   * running, and their containers' overlay mounts: found by this engine's exec-root in their
   * command line, killed by pid.
   */
  private killLeftoverShims(): void {
    const address = join(this.settings.root, 'exec');
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      if (!cmdline.startsWith('/usr/bin/containerd') || !cmdline.includes(address)) continue;
      this.log.warn({ pid: Number(pid) }, 'killing a leftover containerd process of the second engine');
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }

  /** Every mount under the engine's root (overlays of leftover containers, the data root) and the root itself, deepest first. */
  private unmountAll(): void {
    const root = this.settings.root;
    const under = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m === root || m.startsWith(`${root}/`));
    for (const m of under.sort().reverse()) execFileSync('umount', ['-l', m], { stdio: 'ignore' });
  }

  /** dockerd bind-mounts its data root onto itself and leaves the mount behind when it stops. */
  private unmountDataRoot(): void {
    for (let i = 0; i < 5 && mounted(this.dataRoot); i++) execFileSync('umount', [this.dataRoot], { stdio: 'ignore' });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `base=10.229.0.0/16,size=24` → its base network. */
export function poolBase(addressPool: string): { network: number; prefix: number } {
  const m = /(?:^|,)base=(\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(addressPool);
  if (!m?.[1] || !m[2]) throw new Error(`address pool "${addressPool}" has no base=A.B.C.D/N`);
  const prefix = Number(m[2]);
  return { network: ipv4(m[1]) & mask(prefix), prefix };
}

export function inCidr(address: string, cidr: { network: number; prefix: number }): boolean {
  return (ipv4(address) & mask(cidr.prefix)) === cidr.network;
}

const mask = (prefix: number) => (prefix === 0 ? 0 : (~0 << (32 - prefix)) | 0);
const ipv4 = (a: string) => a.split('.').reduce((n, octet) => (n << 8) | Number(octet) | 0, 0);

function deleteLink(name: string): void {
  try {
    execFileSync('ip', ['link', 'del', name], { stdio: 'ignore' });
  } catch {
    // not there
  }
}

function mounted(path: string): boolean {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[1] === path);
}

function loadImage(image: string, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', ['load', '-q'], { env: { ...process.env, DOCKER_HOST: host }, stdio: ['pipe', 'ignore', 'inherit'] });
    save.stdout.pipe(load.stdin);
    save.once('exit', (code) => code !== 0 && reject(new Error(`chaos: docker save ${image} exited with ${code}`)));
    load.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chaos: docker load into ${host} exited with ${code}`))));
  });
}
