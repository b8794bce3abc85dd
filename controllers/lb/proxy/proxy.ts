/**
 * `berth lb`: one HAProxy, in master-worker mode, serving a cluster's LoadBalancers.
 *
 * It watches the cluster's LoadBalancers and TargetGroups through the API (two informers) and, on
 * each change and at least every interval (HAProxy's own health checks are not watchable):
 *   - when the listeners or groups changed: writes the config (with the servers the running worker
 *     has) and the server-state file, and reloads through the master socket: the new worker takes
 *     the listening sockets over (`expose-fd listeners`) and each server's drain and health state;
 *     the old one finishes its connections (seamless reload, no refused connection);
 *   - otherwise: adds, drains and removes servers through the Runtime API (server-ops.ts);
 *   - sets each forward's slots (thresholds and backends) in the weights and routes maps
 *     (weights.ts): a traffic shift, the first one included, is never a reload; servers leave
 *     only after the maps moved traffic off them (passCommands);
 *   - sets the maps in the workers a reload replaced too, while they may still route a request on an
 *     idle connection, and reports a shift routed only once they route it (old-workers.ts);
 *   - reports what HAProxy's checks see of each target into the group's status.healthReports, with
 *     the generation of each load balancer forwarding to the group whose maps it has applied,
 *     beside the passes rather than inside them (one write per target group: with many groups a
 *     shift stored during the reports waited for all of them), a few groups at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BerthClient } from '../../../api/client/types.js';
import type { Logger } from '../../../api/log.js';
import { clientListWatch } from '../../kit/client-list-watch.js';
import { forEachBounded } from '../../kit/pool.js';
import { realClock } from '../../kit/clock.js';
import { Informer } from '../../kit/informer.js';
import type { LoadBalancer, TargetGroup } from '../../../api/v1/index.js';
import { jsonEqual } from '../../../api/json-equal.js';
import { desiredState, generationsForwardingTo, type Desired, type DesiredFrontend } from './desired.js';
import { listenerShape, renderConfig, type ConfigOptions, type ConfigPaths } from './haproxy-config.js';
import { healthOfServer, parseServersState, runtimeCommand, runtimeCommandChecked, type ServerState } from './runtime-api.js';
import { canRoute, mayStillRoute, parseOldWorkers } from './old-workers.js';
import { passCommands, serverCommands } from './server-ops.js';
import { parseMap, renderWeightsMap, routeEntries, weightCommands, weightEntries } from './weights.js';

export interface LbProxyOptions {
  client: BerthClient;
  cluster: string;
  /** Where the config, sockets and state file live (one directory per proxy). */
  dir: string;
  /** This proxy's name in the health reports. */
  name: string;
  haproxy?: string;
  bindAddress?: string;
  /** The longest time between two passes; a change to a LoadBalancer or TargetGroup starts one at once. */
  intervalMs?: number;
  log: Logger;
}

/** Runs one Runtime API command in one worker and answers its output. */
type WorkerCli = (command: string) => Promise<string>;

export class HaproxyStartError extends Error {
  override readonly name = 'HaproxyStartError';
}

/**
 * HAProxy's master outlives a berth killed with SIGKILL (it has no parent-death signal), and would
 * keep serving a stale config on the listener ports: this shell runs it and stops it when berth's
 * process ($1) is gone, or when the shell itself is asked to stop. $0: haproxy; the rest: its arguments.
 */
const WATCHDOG =
  'owner=$1; shift; "$0" "$@" & h=$!; trap \'kill $h 2>/dev/null; wait $h; exit 0\' TERM INT; ' +
  'while kill -0 "$owner" 2>/dev/null && kill -0 $h 2>/dev/null; do sleep 1; done; kill $h 2>/dev/null; wait $h';

/** A report is written again at least this often, so the controller does not take it for stale. */
const REPORT_REFRESH_MS = 3_000;
/** Health reports written at once: enough that a round over many groups is short, few enough not to crowd the API. */
const REPORT_CONCURRENCY = 4;

export class LbProxy {
  private child: ChildProcess | undefined;
  private readonly paths: ConfigPaths & { config: string; master: string };
  private readonly config: ConfigOptions;
  private shape = '';
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly reported = new Map<string, { at: number; targets: Record<string, string>; loadBalancers: Record<string, number> }>();
  /** The round of health reports being written (at most one), and what the latest pass saw for the next. */
  private reporting: Promise<void> | undefined;
  private nextReport: { desired: Desired; running: readonly ServerState[]; routed: readonly DesiredFrontend[] } | undefined;
  /** The listeners (with their load balancer's generation) whose maps the running HAProxy holds: what the reports say is routed. */
  private routed: readonly DesiredFrontend[] = [];
  private readonly balancers: Informer<LoadBalancer>;
  private readonly groups: Informer<TargetGroup>;
  /** Workers a reload replaced, by pid, and when: they may still route requests (old-workers.ts). */
  private readonly retired = new Map<string, number>();
  /** The running worker's Runtime API. */
  private readonly current: WorkerCli = (command) => runtimeCommand(this.paths.adminSocket, command);
  /** Aborted by a watched change (or stop) to end the wait between two passes early. */
  private wake = new AbortController();

  constructor(private readonly options: LbProxyOptions) {
    this.paths = {
      adminSocket: join(options.dir, 'admin.sock'),
      stateFile: join(options.dir, 'server-state'),
      weightsMap: join(options.dir, 'weights.map'),
      routesMap: join(options.dir, 'routes.map'),
      config: join(options.dir, 'haproxy.cfg'),
      master: join(options.dir, 'master.sock'),
    };
    this.config = { bindAddress: options.bindAddress ?? '0.0.0.0', hardStopAfterSeconds: 3_600 };
    const log = options.log.child({ component: 'lb-informer' });
    this.balancers = new Informer({ source: clientListWatch(options.client, 'LoadBalancer', { cluster: options.cluster }), clock: realClock, log });
    this.groups = new Informer({ source: clientListWatch(options.client, 'TargetGroup', { cluster: options.cluster }), clock: realClock, log });
    const changed = () => this.wake.abort();
    for (const informer of [this.balancers, this.groups]) informer.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  }

  async start(): Promise<void> {
    mkdirSync(this.options.dir, { recursive: true });
    this.balancers.start();
    this.groups.start();
    const synced = await Promise.all([this.balancers.waitForSync(), this.groups.waitForSync()]);
    if (!synced.every(Boolean)) throw new HaproxyStartError('stopped before the load balancers and target groups were read');
    const desired = this.desired();
    this.shape = listenerShape(desired, this.paths, this.config);
    writeFileSync(this.paths.config, renderConfig({ ...desired, backends: desired.backends.map((b) => ({ ...b, servers: [] })) }, this.paths, this.config));
    writeFileSync(this.paths.stateFile, '');
    this.writeMaps(desired);
    this.routed = desired.frontends;
    const args = ['-W', '-S', `${this.paths.master},mode,600`, '-f', this.paths.config];
    const child = spawn('sh', ['-c', WATCHDOG, this.options.haproxy ?? 'haproxy', String(process.pid), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const log = this.options.log;
    child.stdout?.on('data', (d: Buffer) => log.debug({ haproxy: d.toString().trim() }, 'haproxy'));
    child.stderr?.on('data', (d: Buffer) => log.info({ haproxy: d.toString().trim() }, 'haproxy'));
    child.on('exit', (code, signal) => {
      if (!this.stopped) log.error({ code, signal }, 'haproxy exited');
    });
    await this.waitForWorker(undefined);
    log.info({ dir: this.options.dir, frontends: desired.frontends.map((f) => f.name) }, 'haproxy started');
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.loop;
    await this.reporting;
    this.balancers.stop();
    this.groups.stop();
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }

  /** The master's pid, for tests and operators. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Whether the running HAProxy routes the weights the stored listeners ask for now. A shift is
   * stored before the deployment's status records it and routed on the proxy's next pass (a short
   * one: the health reports are written beside it): a reader that must see the recorded weights
   * served (tests, operators) waits for this rather than for a fixed time.
   */
  async weightsApplied(): Promise<boolean> {
    const desired = this.desired();
    return (await this.mapCommands(desired, this.current)).length === 0 && (await this.oldWorkersRoute(desired, false));
  }

  /** The generation of `loadBalancer` whose listeners' maps the running HAProxy holds (undefined: none of it routed yet). */
  routedGeneration(loadBalancer: string): number | undefined {
    const generations = this.routed.filter((f) => f.loadBalancer === loadBalancer).map((f) => f.generation);
    return generations.length === 0 ? undefined : Math.min(...generations);
  }

  /** Runtime API commands taking the routes and weights maps of the worker `cli` reaches to `desired`'s. */
  private async mapCommands(desired: Desired, cli: WorkerCli): Promise<string[]> {
    const show = async (file: string) => parseMap(await cli(`show map ${file}`));
    return [
      ...weightCommands(this.paths.routesMap, routeEntries(desired), await show(this.paths.routesMap)),
      ...weightCommands(this.paths.weightsMap, weightEntries(desired), await show(this.paths.weightsMap)),
    ];
  }

  private writeMaps(desired: Desired): void {
    writeFileSync(this.paths.routesMap, renderWeightsMap(routeEntries(desired)));
    writeFileSync(this.paths.weightsMap, renderWeightsMap(weightEntries(desired)));
  }

  /** One pass: reload or runtime changes; the health reports it queues are written beside the next passes. */
  async syncOnce(): Promise<void> {
    const desired = this.desired();
    for (const reason of desired.skipped) this.options.log.warn(reason);
    const shape = listenerShape(desired, this.paths, this.config);
    let running = parseServersState(await runtimeCommand(this.paths.adminSocket, 'show servers state'));
    if (shape !== this.shape) {
      await this.reload(desired, running);
      this.shape = shape;
      running = parseServersState(await runtimeCommand(this.paths.adminSocket, 'show servers state'));
    }
    // Servers arriving, then the maps (routes before thresholds: a slot about to be taken names its
    // backend first), then servers leaving: traffic has moved off a server before it drains.
    const maps = await this.mapCommands(desired, this.current);
    let mapsApplied = true;
    for (const command of passCommands(serverCommands(desired.backends, running), maps)) {
      try {
        await runtimeCommandChecked(this.paths.adminSocket, command);
      } catch (err) {
        // Logged and left: the next pass plans again from what HAProxy then has.
        this.options.log.warn({ err, command }, 'runtime command failed');
        if (maps.includes(command)) mapsApplied = false;
      }
    }
    // A generation is reported routed only once every map command of it succeeded, in the old workers too.
    if (mapsApplied && (await this.oldWorkersRoute(desired, true))) this.routed = desired.frontends;
    this.queueReport(desired, parseServersState(await runtimeCommand(this.paths.adminSocket, 'show servers state')), this.routed);
  }

  /**
   * Whether every old worker that may still route a request routes `desired` (old-workers.ts);
   * `apply`: set the maps in those that can route them first.
   */
  private async oldWorkersRoute(desired: Desired, apply: boolean): Promise<boolean> {
    if (this.retired.size === 0) return true;
    const live = new Set(parseOldWorkers(await runtimeCommand(this.paths.master, 'show proc')));
    for (const pid of this.retired.keys()) if (!live.has(pid)) this.retired.delete(pid);
    const now = Date.now();
    let routed = true;
    for (const [pid, retiredAt] of this.retired) {
      if (!mayStillRoute(retiredAt, now)) continue;
      // The master forwards a command prefixed with `@!<pid>` to that worker.
      const inWorker = (command: string) => `@!${pid} ${command}`;
      const cli: WorkerCli = (command) => runtimeCommand(this.paths.master, inWorker(command));
      const commands = await this.mapCommands(desired, cli);
      if (commands.length === 0) continue;
      if (!apply || !canRoute(desired, parseServersState(await cli('show servers state')))) {
        routed = false;
        continue;
      }
      try {
        for (const command of commands) await runtimeCommandChecked(this.paths.master, inWorker(command));
      } catch (err) {
        this.options.log.warn({ err, pid }, 'setting the maps in an old worker failed');
        routed = false;
      }
    }
    return routed;
  }

  /** Queues what a pass saw for the health reports; one round runs at a time, and a round not yet begun takes the latest. */
  private queueReport(desired: Desired, running: readonly ServerState[], routed: readonly DesiredFrontend[]): void {
    this.nextReport = { desired, running, routed };
    if (this.reporting) return;
    const round = async () => {
      for (let next = this.nextReport; next !== undefined && !this.stopped; next = this.nextReport) {
        this.nextReport = undefined;
        await this.report(next.desired, next.running, next.routed);
      }
    };
    this.reporting = round().finally(() => {
      this.reporting = undefined;
    });
  }

  private async run(): Promise<void> {
    const interval = this.options.intervalMs ?? 1_000;
    while (!this.stopped) {
      // A change seen from here on, even during the pass, makes the next pass start at once.
      this.wake = new AbortController();
      try {
        await this.syncOnce();
      } catch (err) {
        this.options.log.warn({ err }, 'load balancer sync failed; trying again');
      }
      if (!this.wake.signal.aborted) await realClock.sleep(interval, this.wake.signal);
    }
  }

  private desired(): Desired {
    return desiredState(this.balancers.list(), this.groups.list());
  }

  /** Seamless reload: the running servers kept (with their states, through the state file), the new listeners taken up. */
  private async reload(desired: Desired, running: readonly ServerState[]): Promise<void> {
    const has = new Set(running.map((s) => `${s.backend}/${s.name}`));
    const kept = { ...desired, backends: desired.backends.map((b) => ({ ...b, servers: b.servers.filter((s) => has.has(`${b.name}/${s.name}`)) })) };
    writeFileSync(this.paths.stateFile, await runtimeCommand(this.paths.adminSocket, 'show servers state'));
    writeFileSync(this.paths.config, renderConfig(kept, this.paths, this.config));
    this.writeMaps(desired);
    const before = await this.workerPid();
    await runtimeCommand(this.paths.master, 'reload');
    await this.waitForWorker(before);
    if (before !== undefined) this.retired.set(before, Date.now());
    this.options.log.info({ frontends: desired.frontends.map((f) => f.name) }, 'haproxy reloaded');
  }

  private async workerPid(): Promise<string | undefined> {
    try {
      return /^Pid: (\d+)/m.exec(await runtimeCommand(this.paths.adminSocket, 'show info'))?.[1];
    } catch {
      return undefined;
    }
  }

  /** Until a worker other than `before` answers on the admin socket. */
  private async waitForWorker(before: string | undefined): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined)
        throw new HaproxyStartError(`haproxy exited with code ${this.child.exitCode}; see its messages above`);
      const pid = await this.workerPid();
      if (pid !== undefined && pid !== before) return;
      await sleep(50);
    }
    throw new HaproxyStartError(`haproxy's worker did not answer on ${this.paths.adminSocket} within 10 s`);
  }

  private async report(desired: Desired, running: readonly ServerState[], routed: readonly DesiredFrontend[]): Promise<void> {
    const now = Date.now();
    await forEachBounded(desired.backends, REPORT_CONCURRENCY, async (b) => {
      const targets: Record<string, 'healthy' | 'unhealthy' | 'initial'> = {};
      for (const s of running) if (s.backend === b.name) targets[`${s.address}:${s.port}`] = healthOfServer(s);
      // A new generation routed is reported at once: a deployment's bake waits for it.
      const loadBalancers = generationsForwardingTo(routed, b.group);
      const last = this.reported.get(b.group);
      if (last && jsonEqual(last.targets, targets) && jsonEqual(last.loadBalancers, loadBalancers) && now - last.at < REPORT_REFRESH_MS) return;
      const entry = { proxy: this.options.name, reportedAt: new Date(now).toISOString(), targets, loadBalancers };
      try {
        await this.options.client.mutate(
          'TargetGroup',
          { cluster: this.options.cluster, name: b.group },
          (g) => {
            const others = (g.status?.healthReports ?? []).filter((r) => r.proxy !== this.options.name);
            g.status = {
              targets: g.status?.targets ?? [],
              healthReports: [...others, entry],
              ...(g.status?.observedGeneration === undefined ? {} : { observedGeneration: g.status.observedGeneration }),
            };
          },
          { subresource: 'status' },
        );
      } catch (err) {
        // Left unrecorded as reported: a later round writes it.
        this.options.log.warn({ err, group: b.group }, 'health report failed; writing it again on a later pass');
        return;
      }
      this.reported.set(b.group, { at: now, targets, loadBalancers });
    });
  }
}
