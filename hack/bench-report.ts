/** bench/RESULTS.md: the machine, the configuration, and one table of every figure with its target. */
import type { DockerBenchResult } from './bench-docker.js';
import type { WindowCost } from './bench-window.js';
import type { PlacementResult } from './bench-placement.js';
import { formatNumber, formatSummary, percentile, summarize, type Unit } from './bench-stats.js';
import { DEFAULT_HEAP_GROWTH_PERCENT, HEAP_GROWTH_ENV } from '../cmd/heap-growth.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  docker: string;
  etcd: string;
  date: string;
}

export interface BenchConfig {
  instances: number;
  services: number;
  tasksPerService: number;
  placementRepeats: number;
  repeats: number;
  startTasks: number;
  updateTasks: number;
  recoveryRepeats: number;
  healthIntervalS: number;
  image: string;
  etcdEndpoint: string;
}

export interface BenchResults {
  machine: Machine;
  config: BenchConfig;
  /** etcdV8Heap: the etcd run again with the server at V8's own heap growth (BERTH_HEAP_GROWTH_PERCENT=0). */
  placement: { etcd: PlacementResult[]; embedded: PlacementResult[]; etcdV8Heap?: PlacementResult[] };
  rawEtcd: number[];
  docker?: DockerBenchResult;
  /** Runs that failed, said in the results rather than dropped silently. */
  failures?: string[];
  elapsedS: number;
}

const fig = (samples: readonly number[], unit: Unit) => formatSummary(summarize(samples), unit);
const med = (samples: readonly number[]) => summarize(samples).median;
const verdict = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'met' : '**missed**');
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b < 0.01 ? `${((a / b) * 100).toFixed(2)} %` : `${(a / b).toFixed(2)}×`) : 'n/a';

/**
 * berth's process (server, controllers, agent), and the engine's daemons in berth's rounds and in
 * swarm's (swarm orchestrates inside dockerd).
 */
function startCost(cost: DockerBenchResult['start']['cost']): string {
  const daemon = (costs: readonly WindowCost[], name: 'dockerd' | 'containerd') =>
    fig(
      costs.flatMap((c) => (c.daemons ? [c.daemons[name]] : [])),
      's',
    );
  const daemons = (costs: readonly WindowCost[]) => `dockerd ${daemon(costs, 'dockerd')}, containerd ${daemon(costs, 'containerd')}`;
  return `berth's process ${fig(
    cost.berth.map((c) => c.cpuSeconds),
    's',
  )}, ${daemons(cost.berth)}; in swarm's rounds ${daemons(cost.swarm)}`;
}

export function renderResults(r: BenchResults): string {
  const { machine: m, config: c } = r;
  const tasks = c.services * c.tasksPerService;
  const rows: string[][] = [];
  const etcdTps = r.placement.etcd.map((p) => p.tasksPerSecond);
  const embTps = r.placement.embedded.map((p) => p.tasksPerSecond);
  if (etcdTps.length > 0 || embTps.length > 0) {
    rows.push([
      `placement, etcd: ${c.services} services × ${c.tasksPerService.toLocaleString('en-US')} tasks on ${c.instances.toLocaleString('en-US')} simulated instances, apply → all RUNNING (tasks/s)`,
      fig(etcdTps, 'count'),
      `raw etcd ${fig(r.rawEtcd, 'count')} keys/s (100-key txns, 64 in flight; berth at ${ratio(med(etcdTps), med(r.rawEtcd))}); kube-scheduler scheduler_perf 680–810 pods/s`,
      '≥ 2,000',
      verdict(etcdTps.length ? med(etcdTps) >= 2000 : undefined),
    ]);
    rows.push([
      `placement, embedded SQLite store (tasks/s)`,
      fig(embTps, 'count'),
      `${ratio(med(embTps), med(etcdTps))} the etcd figure`,
      '> etcd',
      verdict(embTps.length && etcdTps.length ? med(embTps) > med(etcdTps) : undefined),
    ]);
    const rss = r.placement.etcd.map((p) => p.serverPeakRssMB);
    const embRss = r.placement.embedded.map((p) => p.serverPeakRssMB);
    rows.push([
      `control-plane peak RSS with ${tasks.toLocaleString('en-US')} tasks, etcd (MB)`,
      fig(rss, 'MB'),
      `embedded store, server + ${c.instances} sim agents (a thread of its own) in one process: ${fig(embRss, 'MB')} MB`,
      '≤ 300',
      verdict(rss.length ? med(rss) <= 300 : undefined),
    ]);
    const v8 = r.placement.etcdV8Heap ?? [];
    if (v8.length > 0) {
      const v8Tps = v8.map((p) => p.tasksPerSecond);
      rows.push([
        `the same etcd run, server at V8's own heap growth (BERTH_HEAP_GROWTH_PERCENT=0): peak RSS (MB)`,
        fig(
          v8.map((p) => p.serverPeakRssMB),
          'MB',
        ),
        `placement ${fig(v8Tps, 'count')} tasks/s (the default ${DEFAULT_HEAP_GROWTH_PERCENT} % runs at ${ratio(med(etcdTps), med(v8Tps))} of it)`,
        '—',
        '—',
      ]);
    }
  }
  const d = r.docker;
  if (d) {
    const berth = med(d.start.berth);
    const run = med(d.start.dockerRun);
    const swarm = med(d.start.swarm);
    const floor = med(d.start.floor);
    rows.push([
      `real Docker, start: ${c.startTasks}-task service, apply → all RUNNING (s)`,
      fig(d.start.berth, 's'),
      `${c.startTasks} × docker run -d, 8 in parallel: ${fig(d.start.dockerRun, 's')} (berth ${ratio(berth, run)}); swarm --replicas ${c.startTasks} (image ID): ${fig(d.start.swarm, 's')} (berth ${ratio(berth, swarm)}); ` +
        `the engine's floor, ${c.startTasks} containers created and started at once over the Docker API: ${fig(d.start.floor, 's')} (berth ${ratio(berth, floor)}, swarm ${ratio(swarm, floor)}); ` +
        `berth timed as swarm is, to its ${c.startTasks}th container start in Docker's events: ${fig(d.start.berthEngine, 's')} (${ratio(med(d.start.berthEngine), swarm)} swarm); ` +
        `CPU-s per round: ${startCost(d.start.cost)}`,
      '≤ 1.2× docker run, < swarm',
      verdict(berth <= 1.2 * run && berth < swarm),
    ]);
    rows.push([
      `real Docker, recovery: docker kill → replacement RUNNING (s)`,
      fig(d.recovery.berth, 's'),
      `swarm --restart-delay 0s: ${fig(d.recovery.swarmNoDelay, 's')}; swarm default (5 s delay): ${fig(d.recovery.swarmDefault, 's')}`,
      '< 0.5 median',
      verdict(med(d.recovery.berth) < 0.5),
    ]);
    const update = { berth: med(d.update.berth), swarm: med(d.update.swarm), floor: med(d.update.floor) };
    rows.push([
      `real Docker, rolling update: ${c.updateTasks} tasks, ${c.healthIntervalS} s health check, new revision → all new healthy, old gone (s)`,
      fig(d.update.berth, 's'),
      `swarm service update, same health check and bounds: ${fig(d.update.swarm, 's')} (berth ${ratio(update.berth, update.swarm)}); ` +
        `the engine's floor, a script over the Docker API doing only this replacement: ${fig(d.update.floor, 's')} (berth ${ratio(update.berth, update.floor)}; ` +
        `the floor itself ${ratio(update.floor, update.swarm)} swarm); berth's process used ${fig(d.update.berthCpu, 's')} CPU-s per round`,
      '≤ 0.5× swarm',
      verdict(update.berth <= 0.5 * update.swarm),
    ]);
  }
  const latency = r.placement.etcd.flatMap((p) => (p.latency ? [p.latency] : []));
  if (latency.length > 0) {
    const all = (pick: (l: (typeof latency)[number]) => number[]) => latency.flatMap(pick);
    const pp = (xs: number[]) => `p50 ${formatNumber(percentile(xs, 0.5), 'ms')} / p99 ${formatNumber(percentile(xs, 0.99), 'ms')}`;
    rows.push([
      `API latency: berth apply of a 100-object directory (ms, real binary incl. Node start)`,
      pp(all((l) => l.applyMs)),
      `${all((l) => l.applyMs).length} runs, every object changed each run`,
      '—',
      '—',
    ]);
    rows.push([
      `API latency: get one task with ${tasks.toLocaleString('en-US')} tasks stored (ms)`,
      pp(all((l) => l.getMs)),
      `${all((l) => l.getMs).length} gets over HTTP`,
      '—',
      '—',
    ]);
    rows.push([
      `API latency: list all ${(latency[0]?.listedItems ?? 0).toLocaleString('en-US')} tasks in pages of 500 (ms)`,
      pp(all((l) => l.listMs)),
      `${all((l) => l.listMs).length} lists over HTTP`,
      '—',
      '—',
    ]);
  }
  return [
    `# berth benchmark results`,
    ``,
    `${m.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpus} × ${m.cpuModel} · ${m.memoryGiB.toFixed(1)} GiB · Node ${m.node} · Docker ${m.docker} · etcd ${m.etcd} · whole run ${Math.round(r.elapsedS)} s`,
    ``,
    `Every figure is median (min–max) over repeats: placement ${c.placementRepeats}×, Docker rows ${c.repeats}× (recovery: ${c.recoveryRepeats} kills; swarm default ${Math.min(3, c.recoveryRepeats)}). ` +
      `Produced by \`bash hack/bench.sh\`; the machine is shared, so compare figures of one run, not across runs.`,
    ``,
    `| what | berth | beside it | target | |`,
    `|---|---:|---|---|---|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    ``,
    ...(r.failures?.length ? [`Failed runs (not in the figures):`, ``, ...r.failures.map((f) => `- ${f.replace(/\s+/g, ' ').slice(0, 300)}`), ``] : []),
    `How it was measured:`,
    ``,
    `- **Placement**: the control plane (API server + built-in controllers, ECS default timings) runs in a child process; ` +
      `${c.instances.toLocaleString('en-US')} real \`Agent\`s, each with a SimRuntime (a simulated engine: containers start at once), run in a second process ` +
      `(embedded store, which SQLite cannot share with another process: on a worker thread of the server's process, reaching the store through a MessagePort, ` +
      `hack/store-over-port.ts, as the etcd run's fleet reaches etcd through its client; either way the control plane has a thread to itself). ` +
      `The agents use **LocalClient** on their own ResourceStore over the same store ` +
      `(not HTTP: ${c.instances.toLocaleString('en-US')} HTTP clients' status writes would measure this process's HTTP stack), so they go through the same store, ` +
      `scheduler and controllers. Each agent runs its own task informer filtered to its instance, fed by ONE watch of the cluster's tasks ` +
      `demultiplexed by instance (hack/bench-fleet.ts). The services are created over HTTP at once; the clock stops when an HTTP watch of the cluster's tasks has seen every task RUNNING (the observer reads the stream as plain JSON, without HttpClient's schema validation of every event: it shares the two cores with what it measures).`,
    `- **Memory**: VmHWM (peak RSS) of the server process at the end of the etcd run.`,
    `- **Real Docker**: berth in the bench process as \`berth up\` runs it on one machine (embedded store, the agent in process on LocalClient, as a one-node swarm runs manager and worker in one dockerd), at \`berth up\`'s heap growth (${DEFAULT_HEAP_GROWTH_PERCENT} % unless ${HEAP_GROWTH_ENV} says otherwise), image ${c.image}, ` +
      `\`initProcessEnabled\`, stopTimeout 2; docker run with \`--init --stop-timeout 2\`; the start's floor (hack/bench-engine-floor.ts) with \`Init\` and StopTimeout 2 over the Docker API, timed until every start has returned; swarm with \`--init --stop-grace-period 2s\` given the image ID ` +
      `(${d?.imageId.slice(0, 19) ?? 'sha256:…'}…; a tag makes swarm try a registry for every task). Each side is watched through its own event stream, ` +
      `not polled (a 50 ms poll cost berth a list of the service's tasks on the event loop that also runs its server, controllers and agent, and swarm a \`docker\` process): ` +
      `berth: an in-process watch of the service's tasks (the API's task status, from the store watch berth's controllers share: no HTTP stream for the bench to cost it); swarm: Docker's container start/die events of the service and its update-state events. ` +
      `In each round the sides take turns going first. The start row's verdict is on berth's API (every task RUNNING); beside it, the same berth rounds timed as swarm's are, to the last container start in Docker's events ` +
      `(swarm's own task states are not read: its figure stops before swarm reports them; the berth side then also has an event subscriber, as swarm's does).`,
    `- **Rolling update bounds**: berth minimumHealthyPercent 100 / maximumPercent 200 (all ${c.updateTasks} replacements may start at once, none of the old stop before ` +
      `a replacement is healthy) ↔ swarm \`--update-parallelism ${c.updateTasks} --update-order start-first --update-delay 0s\` (monitor window at its 5 s default). ` +
      `Health check \`true\` every ${c.healthIntervalS} s, timeout 2 s, ${d?.healthRetries ?? 3} retries (healthy on the first passing check), on both (berth, like Docker and Kubernetes, allows 1 s at least; ECS's 5 s minimum is a limit of the AWS service). Done: swarm's UpdateStatus ` +
      `"completed"; berth: ${c.updateTasks} RUNNING+HEALTHY tasks of the new revision and no other task not STOPPED. ` +
      `The floor (hack/bench-engine-floor.ts), in the same rounds: ${c.updateTasks} healthy containers as swarm's, then ${c.updateTasks} new ones created and started at once over the Docker API, ` +
      `an old one stopped on each new one's first \`health_status: healthy\` event; done when every new one is healthy and every old one has died. No orchestrator does less on this engine, ` +
      `so berth at ≤ 0.5× swarm needs the floor itself below 0.5× swarm.`,
    `- **API latency**: over HTTP against the etcd server holding the ${tasks.toLocaleString('en-US')} tasks, right after the placement run.`,
    ``,
  ].join('\n');
}
