/**
 * The chaos driver: sets up etcd, a second engine, servers and agents, keeps the services busy,
 * injects faults one at a time, and has the checker judge each one. Everything it made is removed
 * on the way out, whether the run ended, failed, or was aborted.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../api/log.js';
import { Checker, type CrashWindow } from './checker.js';
import { ChaosPlane } from './control-plane.js';
import { ChaosEngine, type EngineSettings } from './engine.js';
import { ChaosEtcd } from './etcd.js';
import { FAULTS, type FaultKind } from './faults.js';
import { scheduleOf } from './schedule.js';
import { chaosSettings, type ChaosPorts } from './settings.js';
import type { ChaosReport, FaultRecord } from './report.js';
import { StoreView } from './store-view.js';
import { Ledger, SERVICES, Workload } from './workload.js';

export interface ChaosOptions {
  /** How many faults of each kind, injected in a shuffled order. */
  counts: Partial<Record<FaultKind, number>>;
  /** No new fault starts after this. */
  maxDurationMs: number;
  /** How long the services may take to be steady again after a fault's repair. */
  convergeBoundMs: number;
  /** Kinds left out on purpose, named in the report. */
  skippedKinds?: readonly FaultKind[];
  /** Ports and the second engine's root, bridge and pool; by default from the environment (settings.ts). */
  ports?: ChaosPorts;
  engine?: EngineSettings;
  signal?: AbortSignal;
  log: Logger;
}

const AGENTS = ['chaos-1', 'chaos-2', 'chaos-3'];
const LEADER_TTL_SECONDS = 3;
const WRITE_EVERY_MS = 250;
const SETUP_STEADY_MS = 180_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const fromEnv = chaosSettings(process.env);
  const ports = options.ports ?? fromEnv.ports;
  const engineSettings = options.engine ?? fromEnv.engine;
  const cluster = `chaos-${randomUUID().slice(0, 8)}`;
  const startedAt = new Date();
  const etcd = new ChaosEtcd(ports.etcdClient, ports.etcdPeer, log);
  const engine = new ChaosEngine(engineSettings, log);
  const plane = new ChaosPlane(
    {
      etcd: etcd.endpoint,
      serverPorts: ports.servers,
      frontPort: ports.front,
      leaderTtlSeconds: LEADER_TTL_SECONDS,
      cluster,
      agents: AGENTS,
      dockerHost: engine.host,
    },
    log,
  );
  const ledger = new Ledger();
  const workload = new Workload(cluster, engineSettings.image, ledger, () => plane.client(), log);
  const checker = new Checker(new StoreView(etcd.endpoint, cluster), engine.docker, cluster, AGENTS, log);
  const faults: FaultRecord[] = [];
  let writing = false;
  let harnessError: string | undefined;
  let writer: Promise<void> = Promise.resolve();

  const steadyWithin = async (boundMs: number): Promise<{ ms?: number; why?: string }> => {
    const from = Date.now();
    let why: string | undefined = 'not checked';
    let said = from;
    while (Date.now() - from < boundMs && !options.signal?.aborted) {
      why = await checker.unsteady().catch((err: unknown) => `cannot read: ${String(err)}`);
      if (why === undefined) return { ms: Date.now() - from };
      if (Date.now() - said > 10_000) {
        said = Date.now();
        log.info({ round: checker.round, why }, 'not steady yet');
      }
      await sleep(250);
    }
    return { why };
  };

  try {
    await engine.setUp();
    await etcd.start();
    await plane.start();
    await workload.create();
    await checker.start();
    const first = await steadyWithin(SETUP_STEADY_MS);
    if (options.signal?.aborted) throw new Error('chaos: aborted during setup');
    if (first.ms === undefined) throw new Error(`chaos: the services never became steady after setup: ${first.why}`);
    checker.closeWindow();
    log.info({ cluster, ms: first.ms }, 'services steady; faults start');

    writing = true;
    writer = (async () => {
      while (writing) {
        await workload.bump();
        await sleep(WRITE_EVERY_MS);
      }
    })();

    const schedule = scheduleOf(options.counts);
    const deadline = Date.now() + options.maxDurationMs;
    for (const kind of schedule) {
      if (Date.now() > deadline || options.signal?.aborted) break;
      checker.round++;
      checker.fault = kind;
      // Most faults land in the middle of a rollout.
      if (Math.random() < 0.7) {
        const s = SERVICES[Math.floor(Math.random() * SERVICES.length)];
        if (s) await workload.rollOut(s);
        await sleep(Math.floor(Math.random() * 3000));
      }
      let injected: Awaited<ReturnType<(typeof FAULTS)[FaultKind]>>;
      try {
        injected = await FAULTS[kind]({ plane, etcd, engine, store: checker.store, cluster, log, open: (w: CrashWindow) => checker.openWindow(w) });
        log.info({ round: checker.round, fault: kind, ...injected.detail }, 'fault injected');
        await injected.heal();
      } catch (err) {
        // The harness could not inject or repair (a process that would not come back up, say): the
        // run ends here, but with its report, and the report says why.
        harnessError = `round ${checker.round} (${kind}): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
        log.error({ err: String(err), round: checker.round, fault: kind }, 'the harness could not inject or repair a fault; ending the run');
        break;
      }
      const steady = await steadyWithin(options.convergeBoundMs);
      if (steady.ms === undefined && !options.signal?.aborted)
        checker.notSteady(`after ${kind} (round ${checker.round}): not steady within ${options.convergeBoundMs} ms: ${steady.why}`);
      await checker.checkCrashedReplaced(injected.crashedTaskUids).catch((err: unknown) => log.warn({ err: String(err) }, 'crash check skipped'));
      await checker.checkOrphans().catch((err: unknown) => log.warn({ err: String(err) }, 'orphan check skipped'));
      checker.endRound(steady.ms !== undefined);
      faults.push({ kind, round: checker.round, detail: injected.detail, convergedMs: steady.ms });
      log.info({ round: checker.round, fault: kind, convergedMs: steady.ms }, 'fault repaired');
    }

    writing = false;
    await writer;
    // After a harness error the world is not one berth was given to repair: no final verdict on it.
    if (harnessError === undefined) {
      checker.round++;
      checker.fault = 'final';
      const last = await steadyWithin(options.convergeBoundMs);
      if (last.ms === undefined && !options.signal?.aborted)
        checker.notSteady(`after the last fault: not steady within ${options.convergeBoundMs} ms: ${last.why}`);
      await checker.checkLedger(ledger);
      await checker.checkOrphans();
    }
  } finally {
    log.info({ aborted: options.signal?.aborted ?? false }, 'cleaning up');
    writing = false;
    await writer;
    await checker.stop().catch(() => undefined);
    await plane.stop().catch((err: unknown) => log.error({ err: String(err) }, 'cannot stop the control plane'));
    await engine.tearDown().catch((err: unknown) => log.error({ err: String(err) }, 'cannot remove the second engine'));
    await etcd.destroy().catch((err: unknown) => log.error({ err: String(err) }, 'cannot remove etcd'));
    log.info('cleaned up');
  }
  return {
    cluster,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    faults,
    violations: [...checker.violations.values()],
    ackedWrites: ledger.acked,
    refusedWrites: ledger.refused,
    samples: checker.samples,
    skippedKinds: options.skippedKinds ?? [],
    aborted: options.signal?.aborted ?? false,
    ...(harnessError !== undefined ? { harnessError } : {}),
  };
}
