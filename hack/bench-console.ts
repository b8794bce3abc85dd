/**
 * The web console's first render with 1,000 tasks: from navigation to the page showing every
 * instance and service of the cluster and its task list (the rows in view: the list is windowed,
 * and says how many rows it holds) (the console's `berth-console-first-render` performance mark,
 * set once all three lists have loaded and rendered), in headless Chromium
 * (Debian's /usr/bin/chromium through playwright-core). The store is seeded directly through the
 * ResourceStore, with no controllers and no Docker: what is measured is the server's lists and the
 * browser's work, not a cluster settling.
 *
 *   npm run build && node dist/hack/bench-console.js
 *   CONSOLE_BENCH_TASKS (default 1000), CONSOLE_BENCH_ROUNDS (default 7, the first a warm-up not counted),
 *   CONSOLE_BENCH_RESULTS=1 appends the section to bench/RESULTS.md; CONSOLE_BENCH_BASELINE=DIR (a
 *   dist/console built from another commit) measures that build too, the two taking turns.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { createApiServer } from '../api/server/create-server.js';
import { startControlPlane } from '../cmd/control-plane.js';
import { formatSummary, summarize } from './bench-stats.js';

const TASKS = Number(process.env.CONSOLE_BENCH_TASKS ?? 1000);
const ROUNDS = Number(process.env.CONSOLE_BENCH_ROUNDS ?? 7);
const SERVICES = 10;
const INSTANCES = 10;
const TARGET_MS = 1000;
const API = 'berth.dev/v1';
const CLUSTER = 'default';
const now = () => new Date().toISOString();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');

/**
 * CPU time (user + system) of every process below this one: the Chromium browser, renderer and
 * GPU processes (the API server runs in this process, so it is not counted).
 */
function browserCpuMs(): number {
  const stats = readdirSync('/proc')
    .filter((d) => /^[0-9]+$/.test(d))
    .flatMap((pid) => {
      try {
        // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
          .replace(/^.*\) /, '')
          .split(' ');
        return [{ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }];
      } catch {
        return []; // gone meanwhile
      }
    });
  const below = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stats)
      if (below.has(s.ppid) && !below.has(s.pid)) {
        below.add(s.pid);
        grew = true;
      }
  }
  return stats.filter((s) => s.pid !== process.pid && below.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0) * (1000 / CLOCK_TICKS);
}
/** USER_HZ: Linux reports process times in 1/100 s on every architecture Node runs on. */
const CLOCK_TICKS = 100;

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-console-'));
const plane = await startControlPlane({ dataDir: join(dir, 'data'), host: '127.0.0.1', port: 0, controllers: [] });
const { resources } = plane;

try {
  const seedStart = performance.now();
  await resources.create({
    apiVersion: API,
    kind: 'TaskDefinition',
    metadata: { name: 'web' },
    spec: { containerDefinitions: [{ name: 'main', image: 'berth.local/busybox:1', memory: 16 }] },
  });
  for (let i = 0; i < INSTANCES; i++) {
    const ci = await resources.create({
      apiVersion: API,
      kind: 'ContainerInstance',
      metadata: { name: `host-${i}`, cluster: CLUSTER },
      spec: { registeredResources: { cpu: 4096, memory: 16384 } },
    });
    await resources.updateStatus({
      ...ci,
      status: {
        remainingResources: { cpu: 4096 - 1024, memory: 16384 - (TASKS / INSTANCES) * 16 },
        agentConnected: true,
        runningTasksCount: TASKS / INSTANCES,
      },
    });
  }
  for (let s = 0; s < SERVICES; s++) {
    const svc = await resources.create({
      apiVersion: API,
      kind: 'Service',
      metadata: { name: `svc-${s}`, cluster: CLUSTER },
      spec: { taskDefinition: 'web:1', desiredCount: TASKS / SERVICES },
    });
    const deployment = {
      id: `ecs-svc/${s}`,
      status: 'PRIMARY',
      taskDefinition: 'web:1',
      desiredCount: TASKS / SERVICES,
      runningCount: TASKS / SERVICES,
      createdAt: now(),
    };
    await resources.updateStatus({
      ...svc,
      status: {
        runningCount: TASKS / SERVICES,
        desiredCount: TASKS / SERVICES,
        taskDefinition: 'web:1',
        deployments: [deployment],
        events: [{ id: `e-${s}`, createdAt: now(), message: `(service svc-${s}) has reached a steady state.` }],
      },
    });
  }
  for (let t = 0; t < TASKS; t++) {
    const s = t % SERVICES;
    const task = await resources.create({
      apiVersion: API,
      kind: 'Task',
      metadata: { name: `svc-${s}-${String(t).padStart(6, '0')}`, cluster: CLUSTER },
      spec: { taskDefinition: 'web:1', group: `service:svc-${s}`, startedBy: `ecs-svc/${s}`, containerInstance: `host-${t % INSTANCES}` },
    });
    await resources.updateStatus({
      ...task,
      status: {
        lastStatus: 'RUNNING',
        healthStatus: 'HEALTHY',
        startedAt: now(),
        containers: [{ name: 'main', lastStatus: 'RUNNING', healthStatus: 'HEALTHY', dockerId: `c${t}` }],
      },
    });
  }
  console.log(`seeded ${TASKS} tasks, ${SERVICES} services, ${INSTANCES} instances in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  // The build to compare with (CONSOLE_BENCH_BASELINE: a dist/console of another commit), served by a
  // second API server over the same store: the same data, the rounds taking turns, so both see the
  // same machine (a shared one, whose load changes by the minute).
  const baselineDir = process.env.CONSOLE_BENCH_BASELINE;
  const baselineServer = baselineDir ? createApiServer({ resources, store: plane.store, auth: { tokens: plane.tokens }, consoleDir: baselineDir }) : undefined;
  const baselineUrl = baselineServer ? await baselineServer.listen('127.0.0.1', 0) : undefined;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const sides = [await openSide('this build', plane.url), ...(baselineUrl ? [await openSide(`baseline (${baselineDir})`, baselineUrl)] : [])];
  for (let round = 0; round < ROUNDS; round++) for (const side of sides) await measure(side, round);
  await browser.close();
  await baselineServer?.close();

  interface Side {
    name: string;
    page: Page;
    taskSeconds: () => Promise<number>;
    samples: number[];
    lists: number[];
    busy: number[];
    cpu: number[];
  }

  async function openSide(name: string, url: string): Promise<Side> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Signed in once; each round reloads the page, as a user opening the console again in the tab.
    await page.goto(`${url}/ui/`);
    await page.evaluate(`sessionStorage.setItem('berth.console.token', ${JSON.stringify(plane.adminToken)})`);
    // Chromium's own count of the page's main-thread work (CDP Performance.getMetrics TaskDuration):
    // on a shared machine the wall clock also holds the time other processes had the cores.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
    return { name, page, taskSeconds, samples: [], lists: [], busy: [], cpu: [] };
  }

  async function measure(side: Side, round: number): Promise<void> {
    const { page } = side;
    const cpuBefore = browserCpuMs();
    await page.reload();
    // The console sets body[data-ready] with the mark. Waited for with one MutationObserver, not a
    // locator's polling, which would run on the page's main thread beside what is measured.
    await page.evaluate(
      `new Promise((resolve) => { const done = () => document.body.dataset.ready === 'true'; if (done()) return resolve(1); new MutationObserver((_, o) => { if (done()) { o.disconnect(); resolve(1); } }).observe(document.body, { attributes: true }); })`,
    );
    const ms = Number(await page.evaluate(`performance.getEntriesByName('berth-console-first-render')[0].startTime`));
    // A windowed list renders the rows in view and says how many there are (aria-rowcount, with
    // its header row); an older build rendered every row.
    const rows = Number(
      await page.evaluate(
        `(() => { const t = document.querySelector('#tasks [role=table]'); const n = t && t.getAttribute('aria-rowcount'); return n === null || n === undefined ? document.querySelectorAll('#tasks [data-task]').length : Number(n) - 1; })()`,
      ),
    );
    const rendered = Number(await page.evaluate(`document.querySelectorAll('#tasks [data-task]').length`));
    if (rows !== TASKS || rendered === 0) throw new Error(`the first render showed ${rendered} task rows of ${rows}, not of ${TASKS}`);
    const listsMs = Number(
      await page.evaluate(
        `Math.max(...performance.getEntriesByType('resource').filter((e) => e.name.includes('/apis/') && !e.name.includes('watch=')).map((e) => e.responseEnd))`,
      ),
    );
    // The metrics start afresh with each document, so this is the reloaded page's own work.
    const busyMs = (await side.taskSeconds()) * 1000;
    const cpuMs = browserCpuMs() - cpuBefore;
    console.log(
      `${side.name} round ${round + 1}${round === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms; ${rendered} of ${rows} rows rendered; lists answered at ${listsMs.toFixed(0)} ms; page main thread busy ${busyMs.toFixed(0)} ms; browser CPU ${cpuMs.toFixed(0)} ms`,
    );
    if (round > 0) {
      side.samples.push(ms);
      side.lists.push(listsMs);
      side.busy.push(busyMs);
      side.cpu.push(cpuMs);
    }
  }

  const [{ samples, lists, busy, cpu }] = sides as [Side, ...Side[]];
  const summary = summarize(samples);
  const assets = join('dist', 'console', 'assets');
  const sizes = readdirSync(assets).map((f) => {
    const body = readFileSync(join(assets, f));
    return { f, raw: body.length, gz: gzipSync(body).length };
  });
  const kb = (n: number) => (n / 1024).toFixed(1);
  const total = sizes.reduce((a, s) => ({ raw: a.raw + s.raw, gz: a.gz + s.gz }), { raw: 0, gz: 0 });
  const verdict = summary.median < TARGET_MS ? 'met' : '**missed**';
  const section = [
    `## Web console: first render with ${TASKS.toLocaleString('en-US')} tasks (${now()})`,
    '',
    `\`node dist/hack/bench-console.js\` (hack/bench-console.ts): ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, Debian's chromium (headless); load average at the end ${load()} (a machine shared with other helpers' tests).`,
    `The embedded store seeded directly with ${INSTANCES} instances, ${SERVICES} services and ${TASKS} RUNNING tasks (no controllers, no Docker); the page reloaded`,
    `${ROUNDS - 1} times after a warm-up, each timed from navigation to the console's \`berth-console-first-render\` mark (every list loaded and rendered: the task list's rows in view).`,
    '',
    '| what | figure | target | |',
    '|---|---:|---|---|',
    `| first render, ${TASKS.toLocaleString('en-US')} tasks (ms) | ${formatSummary(summary, 'ms')} | < ${TARGET_MS} | ${verdict} |`,
    `| of which: the four lists answered (ms after navigation) | ${formatSummary(summarize(lists), 'ms')} | — | — |`,
    `| the page's main-thread work from reload to the mark (ms, CDP TaskDuration) | ${formatSummary(summarize(busy), 'ms')} | — | — |`,
    `| CPU time Chromium's processes used for it (ms, /proc utime+stime; what the wall clock is without the other tests) | ${formatSummary(summarize(cpu), 'ms')} | — | — |`,
    `| bundle (dist/console/assets, gzip) | ${kb(total.gz)} KiB (${kb(total.raw)} KiB raw) | — | — |`,
    ...sides
      .slice(1)
      .flatMap((b) => [
        `| baseline, taking turns with the above: first render (ms) | ${formatSummary(summarize(b.samples), 'ms')} | < ${TARGET_MS} | ${baselineDir ?? ''} |`,
        `| baseline: the page's main-thread work (ms) | ${formatSummary(summarize(b.busy), 'ms')} | — | — |`,
        `| baseline: Chromium's CPU time (ms) | ${formatSummary(summarize(b.cpu), 'ms')} | — | — |`,
      ]),
    '',
  ].join('\n');
  console.log(`\n${section}`);
  if (process.env.CONSOLE_BENCH_RESULTS === '1') appendFileSync('bench/RESULTS.md', `\n${section}`);
} finally {
  await plane.stop();
  rmSync(dir, { recursive: true, force: true });
}
