/**
 * The traffic bench: wrk through berth's HAProxy (`berth lb`'s LbProxy) to N replicas of a small
 * HTTP service, beside Docker Swarm's routing mesh serving the same replicas of the same image, in
 * one run, in interleaved rounds; and the requests lost by a rolling update under steady load on
 * each (berth: health-gated, deregistered and drained before a stop; swarm: start-first); beside
 * berth's rolling update, the same update as BLUE_GREEN and as CANARY (weights on HAProxy); and the
 * requests lost under the same load by a kill -9 of one task's container and by the drain of a
 * container instance (hack/bench-lb-faults.ts; berth runs two agents, two instances, on the engine).
 *
 * Run by hack/bench-lb.sh, which gives this process a network namespace and a Docker engine of its
 * own (DOCKER_HOST): swarm's state, iptables rules and published ports never touch the shared engine.
 * berth runs here as `berth up` runs it on one machine (embedded store, built-in controllers, the
 * agent and the proxy in process on LocalClient), on that same engine.
 *
 * Settings: BENCH_LB_REPLICAS (4), BENCH_LB_ROUNDS (3), BENCH_LB_SECONDS (10, per wrk run),
 * BENCH_LB_UPDATES (2 per side), BENCH_LB_KILLS (2 per side), BENCH_LB_DRAIN (1; 0 leaves the drain
 * out), BENCH_LB_OUT (bench/RESULTS.md; "-" prints only), BENCH_LB_SWARM (1; 0 leaves Swarm out,
 * where its routing mesh cannot run). A part set to 0 runs not at all and has no row.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pino } from 'pino';
import { LocalClient } from '../api/client/local-client.js';
import { startControlPlane, type ControlPlane } from '../cmd/control-plane.js';
import { Agent } from '../controllers/agent/index.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { builtinControllers } from '../controllers/builtin.js';
import { LbProxy } from '../controllers/lb/proxy/proxy.js';
import { docker, sleep, timed, until } from './bench-docker-support.js';
import { startSwarmWeb, stopSwarmWeb, swarmKill, swarmUpdate, type SwarmWeb, type WebShape } from './bench-lb-swarm.js';
import { busiestInstance, drainInstance, killOneTask, type FaultScene } from './bench-lb-faults.js';
import { strategyFrontObjects, strategyService, strategyServiceName, type ShiftingStrategy } from './bench-lb-strategies.js';
import { failures, runWrk, startWrk, type WrkResult } from './bench-lb-wrk.js';
import { formatNumber, summarize } from './bench-stats.js';

const log = pino({ name: 'berth-bench-lb', level: process.env.BERTH_LOG_LEVEL ?? 'warn' });
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const REPLICAS = env('BENCH_LB_REPLICAS', 4);
const ROUNDS = env('BENCH_LB_ROUNDS', 3);
const SECONDS = env('BENCH_LB_SECONDS', 10);
const UPDATES = env('BENCH_LB_UPDATES', 2);
const KILLS = env('BENCH_LB_KILLS', 2);
const DRAIN = env('BENCH_LB_DRAIN', 1) !== 0;
const OUT = process.env.BENCH_LB_OUT ?? 'bench/RESULTS.md';
const SWARM = env('BENCH_LB_SWARM', 1) !== 0;
const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
const BERTH_PORT = 24901;
const SWARM_PORT = 24902;
/** The blue/green and canary services' production listeners (test listeners: the next port). */
const STRATEGY_PORTS: Record<ShiftingStrategy, number> = { BLUE_GREEN: 25360, CANARY: 25362 };
/** The blue/green and canary services exist only for the update rounds. */
const STRATEGIES = UPDATES > 0 ? (Object.keys(STRATEGY_PORTS) as ShiftingStrategy[]) : [];
/** Throughput rounds: enough connections to keep 4 replicas busy on 2 cores. */
const LOAD = { threads: 2, connections: 32, timeoutSeconds: 10 };
/** Update rounds: steady load that leaves the orchestrators CPU to roll the update out. */
const STEADY = { threads: 1, connections: 8, timeoutSeconds: 10 };

const WEB: Omit<WebShape, 'imageId'> = {
  replicas: REPLICAS,
  // busybox httpd, a small static page; /health for both health checks.
  command: 'mkdir -p /www && hostname > /www/index.html && echo ok > /www/health && exec httpd -f -p 8080 -h /www',
  containerPort: 8080,
  healthCmd: 'wget -q -O /dev/null http://127.0.0.1:8080/health',
  // Lenient on purpose, on both sides: on this shared machine (load averages of 20-60 on 2 cores)
  // Docker's exec of a check took seconds, and a stricter check replaced healthy replicas on both.
  healthIntervalS: 2,
  healthTimeoutS: 10,
  healthRetries: 5,
  // Failed checks in the first seconds do not count (a loaded machine starts httpd late).
  healthStartPeriodS: 10,
};

interface BerthWeb {
  plane: ControlPlane;
  client: LocalClient;
  cluster: string;
  /** Starts the second instance (BENCH_LB_DRAIN). */
  addInstance(): Promise<void>;
  dispose(): Promise<void>;
}

const meta = (cluster: string, name: string) => ({ name, cluster });

const taskDefinition = (cluster: string, revision: number, family = 'web') => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: meta(cluster, family),
  spec: {
    containerDefinitions: [
      {
        name: 'web',
        image: IMAGE,
        memory: 32,
        command: ['sh', '-c', WEB.command],
        environment: [{ name: 'BERTH_BENCH_REVISION', value: String(revision) }],
        portMappings: [{ containerPort: WEB.containerPort, hostPort: 0 }],
        healthCheck: {
          command: ['CMD-SHELL', WEB.healthCmd],
          interval: WEB.healthIntervalS,
          timeout: WEB.healthTimeoutS,
          retries: WEB.healthRetries,
          startPeriod: WEB.healthStartPeriodS,
        },
        linuxParameters: { initProcessEnabled: true },
        stopTimeout: 2,
      },
    ],
  },
});

async function startBerthWeb(): Promise<BerthWeb> {
  const cluster = `bench-lb-${randomUUID().slice(0, 8)}`;
  const dir = join(tmpdir(), `berth-bench-lb-${cluster}`);
  const plane = await startControlPlane({ dataDir: dir, host: '127.0.0.1', port: 0, controllers: builtinControllers(), log });
  const client = new LocalClient(plane.resources);
  await client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: cluster }, spec: {} });
  const runtime = new DockerRuntime({});
  const agent = new Agent({ client, runtime, cluster, instanceName: 'local', log });
  await agent.start();
  // A second instance on the same engine, as a second `berth agent` would make it, for the drain to
  // move tasks to; started just before the drain, so that every task runs on the drained one. Its
  // own dynamic host ports: the two agents never race for one.
  const second = DRAIN
    ? new Agent({ client, runtime: new DockerRuntime({}), cluster, instanceName: 'second', dynamicPortRange: { min: 40000, max: 48999 }, log })
    : undefined;
  const proxy = new LbProxy({ client, cluster, dir: join(dir, 'lb'), name: 'bench', bindAddress: '127.0.0.1', log });
  await client.create(taskDefinition(cluster, 0));
  await client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'TargetGroup' as const,
    metadata: meta(cluster, 'web'),
    spec: {
      protocol: 'HTTP',
      healthCheck: { path: '/health', intervalSeconds: 2, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: WEB.healthRetries },
      deregistrationDelay: 2,
    },
  });
  await client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'LoadBalancer' as const,
    metadata: meta(cluster, 'front'),
    spec: { listeners: [{ port: BERTH_PORT, protocol: 'HTTP', defaultActions: [{ type: 'forward', targetGroupName: 'web' }] }] },
  });
  const healthCheck = { path: '/health', intervalSeconds: 2, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: WEB.healthRetries };
  const shifting = STRATEGIES.map((strategy) => ({
    cluster,
    strategy,
    port: STRATEGY_PORTS[strategy],
    replicas: REPLICAS,
    containerPort: WEB.containerPort,
    healthCheck,
  }));
  for (const o of shifting) {
    await client.create(taskDefinition(cluster, 0, strategyServiceName(o.strategy)));
    for (const obj of strategyFrontObjects(o)) await client.create(obj);
  }
  await proxy.start();
  for (const o of shifting) await client.create(strategyService(o));
  await client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'Service' as const,
    metadata: meta(cluster, 'web'),
    spec: {
      taskDefinition: 'web',
      desiredCount: REPLICAS,
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      loadBalancers: [{ targetGroupName: 'web', containerName: 'web', containerPort: WEB.containerPort }],
    },
  });
  const b: BerthWeb = {
    plane,
    client,
    cluster,
    async addInstance() {
      await second?.start();
    },
    async dispose() {
      for (const name of ['web', ...STRATEGIES.map(strategyServiceName)]) await client.delete('Service', { cluster, name }).catch(() => undefined);
      await proxy.stop().catch(() => undefined);
      await agent.stop().catch(() => undefined);
      await second?.stop().catch(() => undefined);
      await plane.stop().catch(() => undefined);
      const leftovers = await runtime.listContainers({ labels: { 'berth.cluster': cluster } });
      await Promise.all(leftovers.map((c) => runtime.removeContainer(c.id).catch(() => undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await waitHealthy(b);
  for (const strategy of STRATEGIES) await waitHealthy(b, `${strategyServiceName(strategy)}-blue`);
  return b;
}

/** Every replica a healthy target of `group`; on a timeout, what berth saw, for the reader of a failed run. */
async function waitHealthy(b: BerthWeb, group = 'web'): Promise<void> {
  await until(`${REPLICAS} healthy berth targets`, async () => (await healthyTargets(b, group)).length === REPLICAS, 120_000).catch(async (err: unknown) => {
    const targets = await b.client.get('TargetGroup', { cluster: b.cluster, name: group });
    const tasks = (await b.client.list('Task', { cluster: b.cluster })).items.map((t) => ({ name: t.metadata.name, status: t.status }));
    throw new Error(`${String(err)}\ntargets of ${group}: ${JSON.stringify(targets?.status)}\ntasks: ${JSON.stringify(tasks)}`);
  });
}

async function healthyTargets(b: BerthWeb, group = 'web') {
  const g = await b.client.get('TargetGroup', { cluster: b.cluster, name: group });
  return (g?.status?.targets ?? []).filter((t) => t.health === 'healthy');
}

/** A new revision of the family (service `name` follows the newest), until it alone runs, healthy. */
async function berthUpdate(b: BerthWeb, revision: number, name = 'web'): Promise<void> {
  const list = async () => (await b.client.list('Task', { cluster: b.cluster, labelSelector: `berth.dev/service=${name}` })).items;
  const before = new Set((await list()).map((t) => t.spec.taskDefinition));
  await b.client.create(taskDefinition(b.cluster, revision, name));
  await until(
    `berth update of ${name} done`,
    async () => {
      const tasks = await list();
      const live = tasks.filter((t) => t.status?.lastStatus !== 'STOPPED');
      const fresh = live.filter(
        (t) =>
          !before.has(t.spec.taskDefinition) && t.status?.lastStatus === 'RUNNING' && t.status.healthStatus === 'HEALTHY' && t.spec.desiredStatus === 'RUNNING',
      );
      return fresh.length === REPLICAS && live.length === REPLICAS;
    },
    180_000,
  );
}

interface Throughput {
  rps: number[];
  p50: number[];
  p99: number[];
  failed: number;
}
const emptyThroughput = (): Throughput => ({ rps: [], p50: [], p99: [], failed: 0 });

function record(t: Throughput, r: WrkResult): void {
  t.rps.push(r.requestsPerSecond);
  t.p50.push(r.p50);
  t.p99.push(r.p99);
  t.failed += failures(r).failed;
}

interface UpdateLoss {
  failed: number[];
  total: number[];
  seconds: number[];
  p99: number[];
}
const say = (line: string) => process.stdout.write(`${line}\n`);
const emptyLoss = (): UpdateLoss => ({ failed: [], total: [], seconds: [], p99: [] });
const lost = (l: UpdateLoss) => `${l.failed.at(-1) ?? 'n/a'} of ${l.total.at(-1) ?? 'n/a'}`;

/** Steady wrk load from a little before the update until a little after it is done. */
async function underLoad(port: number, update: () => Promise<void>, into: UpdateLoss): Promise<void> {
  const wrk = startWrk({ url: `http://127.0.0.1:${port}/`, seconds: 600, ...STEADY });
  await sleep(3_000);
  into.seconds.push(await timed(update));
  await sleep(3_000);
  const r = await wrk.stop();
  const f = failures(r);
  if (f.failed > 0) say(`bench-lb: port ${port}: ${r.non2xx} non-2xx, socket errors ${JSON.stringify(r.socket)}`);
  into.failed.push(f.failed);
  into.total.push(f.total);
  into.p99.push(r.p99);
}

const med = (xs: number[]) => summarize(xs).median;
const fmt = (xs: number[], unit: 'count' | 'ms' | 's') => {
  const s = summarize(xs);
  return s.n === 0 ? 'n/a' : `${formatNumber(s.median, unit)} (${formatNumber(s.min, unit)}–${formatNumber(s.max, unit)})`;
};
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const sh = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (err) {
    // `wrk -v` prints its version and exits 1.
    return err instanceof Error && 'stderr' in err && 'stdout' in err ? `${String(err.stdout)}${String(err.stderr)}` : '';
  }
};

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = loadavg();
  const imageId = await docker('image', 'inspect', '--format', '{{.Id}}', IMAGE);

  say(`bench-lb: berth, ${REPLICAS} replicas behind HAProxy on :${BERTH_PORT}`);
  const berth = await startBerthWeb();
  say(`bench-lb: swarm, ${REPLICAS} replicas on the routing mesh at :${SWARM_PORT}`);
  let swarm: SwarmWeb;
  try {
    swarm = SWARM ? await startSwarmWeb({ ...WEB, imageId }, SWARM_PORT) : { ok: false, why: 'left out (BENCH_LB_SWARM=0)' };
  } catch (err) {
    swarm = { ok: false, why: `swarm did not start: ${String(err)}` };
  }
  if (!swarm.ok) say(`bench-lb: swarm unavailable: ${swarm.why}`);

  await waitHealthy(berth);
  const direct = (await healthyTargets(berth))[0];
  if (!direct) throw new Error('bench-lb: no healthy berth target to reach directly');
  const sides: Record<'berth' | 'swarm' | 'direct', Throughput> = { berth: emptyThroughput(), swarm: emptyThroughput(), direct: emptyThroughput() };
  const urls = { berth: `http://127.0.0.1:${BERTH_PORT}/`, swarm: `http://127.0.0.1:${SWARM_PORT}/`, direct: `http://127.0.0.1:${direct.port}/` };
  const order = (['berth', 'swarm', 'direct'] as const).filter((s) => s !== 'swarm' || swarm.ok);
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts with another side: none always runs on the heels of another's load.
    for (let i = 0; i < order.length; i++) {
      const side = order[(round + i) % order.length];
      if (!side) continue;
      // A replica may have been replaced since (a check failed on the loaded machine): look again.
      if (side === 'direct') urls.direct = `http://127.0.0.1:${(await healthyTargets(berth))[0]?.port ?? direct.port}/`;
      const r = await runWrk({ url: urls[side], seconds: SECONDS, ...LOAD });
      record(sides[side], r);
      say(`bench-lb: round ${round + 1} ${side}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, failed ${failures(r).failed}`);
      await sleep(1_000);
    }
  }

  const loss = { berth: emptyLoss(), swarm: emptyLoss(), BLUE_GREEN: emptyLoss(), CANARY: emptyLoss() };
  let revision = 0;
  for (let round = 0; round < UPDATES; round++) {
    const turns: Array<() => Promise<void>> = [
      () => underLoad(BERTH_PORT, () => berthUpdate(berth, ++revision), loss.berth),
      ...(swarm.ok ? [() => underLoad(SWARM_PORT, () => swarmUpdate(++revision), loss.swarm)] : []),
      ...STRATEGIES.map((s) => () => underLoad(STRATEGY_PORTS[s], () => berthUpdate(berth, ++revision, strategyServiceName(s)), loss[s])),
    ];
    for (let i = 0; i < turns.length; i++) await turns[(round + i) % turns.length]?.();
    say(
      `bench-lb: update round ${round + 1}: berth rolling lost ${lost(loss.berth)}, blue/green ${lost(loss.BLUE_GREEN)}, canary ${lost(loss.CANARY)}; swarm ${lost(loss.swarm)}`,
    );
  }

  const scene: FaultScene = { client: berth.client, cluster: berth.cluster, service: 'web', group: 'web', replicas: REPLICAS };
  const kills = { berth: emptyLoss(), swarm: emptyLoss() };
  for (let round = 0; round < KILLS; round++) {
    await underLoad(BERTH_PORT, () => killOneTask(scene), kills.berth);
    if (swarm.ok) await underLoad(SWARM_PORT, () => swarmKill(REPLICAS), kills.swarm);
    say(`bench-lb: kill round ${round + 1}: berth lost ${lost(kills.berth)}; swarm ${lost(kills.swarm)}`);
  }
  const drain = emptyLoss();
  let drained: { name: string; tasks: number } | undefined;
  if (DRAIN) {
    await berth.addInstance();
    drained = await busiestInstance(scene);
    const instance = drained.name;
    await underLoad(BERTH_PORT, () => drainInstance(scene, instance), drain);
    say(`bench-lb: drain of ${instance} (${drained.tasks} of ${REPLICAS} tasks): berth lost ${lost(drain)}`);
  }

  await berth.dispose();
  if (swarm.ok) await stopSwarmWeb();
  const loadEnd = loadavg();
  const seconds = (performance.now() - started) / 1000;

  const versions = {
    haproxy: /version (\S+)/.exec(sh('haproxy', ['-v']))?.[1] ?? '?',
    wrk: /wrk (\S+)/.exec(sh('wrk', ['-v']))?.[1] ?? '?',
    docker: await docker('version', '--format', '{{.Server.Version}}').catch(() => '?'),
  };
  const b = sides.berth;
  const s = sides.swarm;
  const d = sides.direct;
  const lossFigure = (l: UpdateLoss, runs = 'updates') =>
    l.total.length === 0
      ? 'n/a'
      : `${l.failed.reduce((x, y) => x + y, 0)} of ${l.total.reduce((x, y) => x + y, 0).toLocaleString('en-US')} (${l.total.length} ${runs})`;
  const met = (l: UpdateLoss) => (l.failed.length > 0 && l.failed.every((f) => f === 0) ? 'met' : '**missed**');
  const swarmCell = (text: string) => (swarm.ok ? text : `not measurable here: ${swarm.why}`);
  const throughputRows = [
    `| traffic: wrk (${LOAD.threads} threads, ${LOAD.connections} connections, ${SECONDS} s) to ${REPLICAS} replicas of busybox httpd, requests/s | ${fmt(b.rps, 'count')} | ` +
      `${swarmCell(`Swarm routing mesh ${fmt(s.rps, 'count')} (berth ${ratio(med(b.rps), med(s.rps))})`)}; one replica straight, no proxy: ${fmt(d.rps, 'count')} (berth ${ratio(med(b.rps), med(d.rps))}) | — | — |`,
    `| traffic: the same runs, latency p50 / p99 (ms) | ${fmt(b.p50, 'ms')} / ${fmt(b.p99, 'ms')} | ` +
      `${swarmCell(`Swarm ${fmt(s.p50, 'ms')} / ${fmt(s.p99, 'ms')} (berth p99 ${ratio(med(b.p99), med(s.p99))})`)}; one replica straight: ${fmt(d.p50, 'ms')} / ${fmt(d.p99, 'ms')} | — | — |`,
  ];
  const updateRows = [
    `| rolling update of ${REPLICAS} replicas under steady wrk load (${STEADY.connections} connections): requests failed / total | ${lossFigure(loss.berth)}; update ${fmt(loss.berth.seconds, 's')} s, p99 ${fmt(loss.berth.p99, 'ms')} ms | ` +
      `${swarmCell(`Swarm start-first: ${lossFigure(loss.swarm)}; update ${fmt(loss.swarm.seconds, 's')} s, p99 ${fmt(loss.swarm.p99, 'ms')} ms`)} | 0 failed for berth | ${met(loss.berth)} |`,
    `| the same update as BLUE_GREEN (green beside blue, test then production traffic moved at once by HAProxy weights, 5 s bake, blue removed): requests failed / total | ${lossFigure(loss.BLUE_GREEN)}; update ${fmt(loss.BLUE_GREEN.seconds, 's')} s, p99 ${fmt(loss.BLUE_GREEN.p99, 'ms')} ms | the rolling update's row above | 0 failed | ${met(loss.BLUE_GREEN)} |`,
    `| the same update as CANARY (20 % for 5 s, then all; 5 s bake): requests failed / total | ${lossFigure(loss.CANARY)}; update ${fmt(loss.CANARY.seconds, 's')} s, p99 ${fmt(loss.CANARY.p99, 'ms')} ms | the rolling update's row above | 0 failed | ${met(loss.CANARY)} |`,
  ];
  const faultFigure = (l: UpdateLoss, runs: string, done: string) => `${lossFigure(l, runs)}; ${done} in ${fmt(l.seconds, 's')} s, p99 ${fmt(l.p99, 'ms')} ms`;
  const killRow =
    `| kill -9 of one replica's container (\`docker kill -s KILL\`) under steady wrk load (${STEADY.connections} connections), until ${REPLICAS} healthy targets again: requests failed / total | ${faultFigure(kills.berth, 'kills', 'replaced')} | ` +
    `${swarmCell(`Swarm, the same kill: ${faultFigure(kills.swarm, 'kills', 'replaced')}`)} | 0 failed for berth | ${met(kills.berth)} |`;
  const drainRow =
    `| drain of the instance running ${drained?.tasks ?? '?'} of the ${REPLICAS} replicas (a second, empty instance beside it; ContainerInstance DRAINING) under the same load, until none is left on it: requests failed / total | ${faultFigure(drain, 'drain', 'drained')} | ` +
    `${swarmCell('Swarm: a node drain needs a second node; this bench runs one engine')} | 0 failed for berth | ${met(drain)} |`;
  const rows = [...(ROUNDS > 0 ? throughputRows : []), ...(UPDATES > 0 ? updateRows : []), ...(KILLS > 0 ? [killRow] : []), ...(DRAIN ? [drainRow] : [])];
  const section = [
    '',
    `## Traffic through the load balancer, beside Swarm's routing mesh (${new Date().toISOString()})`,
    '',
    `\`bash hack/bench-lb.sh\` (hack/bench-lb.ts): ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, Docker ${versions.docker} (the bench's own engine, in a network namespace of its own), HAProxy ${versions.haproxy}, wrk ${versions.wrk}; ` +
      `load average ${loadStart.map((x) => x.toFixed(1)).join(', ')} at the start, ${loadEnd.map((x) => x.toFixed(1)).join(', ')} at the end (a machine shared with other helpers' tests and a chaos run); whole run ${seconds.toFixed(0)} s. ` +
      (ROUNDS > 0
        ? `${ROUNDS} interleaved rounds (each side's figure median (min–max)); failed requests in the throughput runs: berth ${b.failed}, swarm ${swarm.ok ? s.failed : 'n/a'}, straight ${d.failed}. `
        : `No throughput rounds (BENCH_LB_ROUNDS=0); each figure median (min–max) of its runs. `) +
      'Method: bench/NOTES.md ("Traffic bench").',
    '',
    '| what | berth | beside it | target | |',
    '|---|---:|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  say(section);
  if (OUT !== '-') appendFileSync(OUT, section);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    // hack/bench-lb.sh removes the engine, and with it every container and the swarm.
    process.stderr.write(`bench-lb failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
