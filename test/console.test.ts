/**
 * The web console in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no
 * browser is downloaded) against a real berth: the control plane `berth up` runs, an agent on the
 * real Docker engine, and the console as built into dist/console. One browser, one page, one
 * story: sign in, pick the cluster, watch a rollout happen live, scale, stop a task, follow logs,
 * roll back and drain. Screenshots go to test-output/console/.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

const SHOTS = 'test-output/console';
const INSTANCE = `console-${Math.random().toString(16).slice(2, 8)}`;

/** The page serves dist/console: a build older than console/src would test yesterday's console. */
function assertConsoleBuilt(): void {
  const built = statSync('dist/console/index.html', { throwIfNoEntry: false });
  if (!built) throw new Error('dist/console is missing: run `npm run build` first');
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  if (newest('console/src') > built.mtimeMs) throw new Error('dist/console is older than console/src: run `npm run build` first');
}

/** Prints a numbered line every 200 ms with its revision's V, and stops at once on SIGTERM. */
const revision = (v: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name: 'web' },
  spec: {
    containerDefinitions: [
      {
        name: 'main',
        image: TEST_IMAGE,
        memory: 16,
        environment: [{ name: 'V', value: v }],
        command: ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo "tick $i of v$V"; i=$((i+1)); sleep 0.2; done'],
        healthCheck: { command: ['CMD-SHELL', 'true'], interval: 1, timeout: 2, retries: 1 },
        linuxParameters: { initProcessEnabled: true },
        stopTimeout: 2,
      },
    ],
  },
});

let cluster: TestCluster;
let browser: Browser;
let page: Page;
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const service = () => page.locator('[data-service="web"]');
const taskRows = (taskDefinition: string, status = 'RUNNING') => page.locator(`#tasks [data-task][data-status="${status}"]`, { hasText: taskDefinition });

beforeAll(async () => {
  assertConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  cluster = await startTestCluster({ prefix: 'console' });
  // Stats sampled often, so that the page shows utilisation within the test's seconds.
  await cluster.startAgent(INSTANCE, { statsIntervalMs: 500 });
  await cluster.client.create(revision('1'));
  await cluster.client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'Service' as const,
    metadata: { name: 'web', cluster: cluster.name },
    spec: { taskDefinition: 'web', desiredCount: 2, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 } },
  });
  // Root in a container has no user namespace to sandbox with; the page is our own.
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.dispose();
});

describe('the web console', () => {
  it('refuses a wrong token, signs in with a good one and keeps it out of the URL', async () => {
    await page.goto(`${cluster.plane.url}/ui`);
    await page.fill('#token', 'not-a-token');
    await page.click('button[type=submit]');
    await page.locator('[role=alert]', { hasText: 'not valid' }).waitFor();
    await page.fill('#token', cluster.plane.adminToken);
    await page.click('button[type=submit]');
    await page.locator('#cluster').waitFor();
    expect(page.url()).toBe(`${cluster.plane.url}/ui/`);
    expect(await page.evaluate('sessionStorage.getItem("berth.console.token")')).toBe(cluster.plane.adminToken);
  });

  it('shows the instance with its capacity and the service running', async () => {
    await page.selectOption('#cluster', cluster.name);
    await page.locator(`[data-instance="${INSTANCE}"] [role=meter][aria-label=Memory]`).waitFor();
    expect(Number(await page.getAttribute(`[data-instance="${INSTANCE}"] [role=meter][aria-label=Memory]`, 'aria-valuemax'))).toBeGreaterThan(0);
    await expect.poll(() => taskRows('web:1').count(), { timeout: 30_000 }).toBe(2);
    await eventually(async () => (await service().locator('tr[data-role=new] [data-field=healthy]').textContent()) === '2', 20_000, 'two healthy tasks shown');
    await shot('1-running');
  });

  it('shows a rollout live: the new revision beside the old, new tasks appearing, the old going', async () => {
    await cluster.client.create(revision('2'));
    // Both deployments on the page at once, as the rollout runs (health-gated: the old stay until the new are healthy).
    await service().locator('tr[data-role=old]', { hasText: 'web:1' }).waitFor({ timeout: 20_000 });
    await service().locator('tr[data-role=new]', { hasText: 'web:2' }).waitFor();
    await shot('2-rolling-out');
    await expect.poll(() => taskRows('web:2').count(), { timeout: 30_000 }).toBe(2);
    await service().locator('tr[data-role=old]').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => taskRows('web:1').count(), { timeout: 10_000 }).toBe(0);
    await service().locator('.events li', { hasText: 'steady state' }).first().waitFor({ timeout: 20_000 });
    await shot('3-rolled-out');
  });

  it('scales the service', async () => {
    await service().locator('input[name=desiredCount]').fill('3');
    await service().locator('button[type=submit]').click();
    await expect.poll(() => taskRows('web:2').count(), { timeout: 30_000 }).toBe(3);
    expect((await cluster.client.mustGet('Service', { cluster: cluster.name, name: 'web' })).spec.desiredCount).toBe(3);
    expect(await service().locator('[data-field=desired]').textContent()).toBe('3');
  });

  it('shows what the tasks use: per instance as bars, per service, per task row', async () => {
    const inUse = page.locator(`[data-instance="${INSTANCE}"] [role=meter][aria-label="Memory in use"]`);
    await inUse.waitFor({ timeout: 20_000 });
    await expect.poll(async () => Number(await inUse.getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
    // The tasks reserve 16 MiB each and no cpu: memory is a percent of what they reserve, cpu the units in use.
    await expect.poll(() => taskRows('web:2').first().locator('[data-field=usage]').textContent(), { timeout: 20_000 }).toMatch(/^\d+ cpu · [\d.]+%$/);
    expect(await service().locator('[data-field=utilization]').textContent()).toMatch(/CPU n\/a · memory [\d.]+%/);
    await shot('3b-utilisation');
  });

  it('stops a task, and the service replaces it', async () => {
    const row = taskRows('web:2').first();
    const name = await row.getAttribute('data-task');
    if (!name) throw new Error('a task row without its name');
    await row.locator('button', { hasText: 'Stop' }).click();
    await page.locator(`#tasks [data-task="${name}"]`).waitFor({ state: 'detached', timeout: 20_000 });
    const stopped = await cluster.client.mustGet('Task', { cluster: cluster.name, name });
    expect(stopped.spec).toMatchObject({ desiredStatus: 'STOPPED', stopReason: 'Task stopped by the user (web console)' });
    await expect.poll(() => taskRows('web:2').count(), { timeout: 30_000 }).toBe(3);
  });

  it('follows a task’s logs as they are written', async () => {
    const row = taskRows('web:2').first();
    await row.locator('button', { hasText: 'Logs' }).click();
    const log = page.locator('#logs pre.log');
    await log.filter({ hasText: 'of v2' }).waitFor({ timeout: 15_000 });
    const lastTick = async () => Math.max(...[...((await log.textContent()) ?? '').matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
    const first = await lastTick();
    await expect.poll(lastTick, { timeout: 10_000 }).toBeGreaterThan(first + 3);
    expect(await page.locator('[data-field=log-state]').textContent()).toMatch(/^following main/);
    await shot('4-logs');
    await page.locator('#logs button', { hasText: 'Close' }).click();
  });

  it('rolls the service back and drains the instance', async () => {
    await service().locator('button', { hasText: 'Roll back' }).click();
    await page.locator('#notice', { hasText: 'roll back web: web:1' }).waitFor();
    expect((await cluster.client.mustGet('Service', { cluster: cluster.name, name: 'web' })).spec.taskDefinition).toBe('web:1');
    await service().locator('tr[data-role=new]', { hasText: 'web:1' }).waitFor({ timeout: 20_000 });

    await page.locator(`[data-instance="${INSTANCE}"] button`, { hasText: 'Drain' }).click();
    await page.locator(`[data-instance="${INSTANCE}"] .badge.DRAINING`).waitFor();
    expect((await cluster.client.mustGet('ContainerInstance', { cluster: cluster.name, name: INSTANCE })).spec.status).toBe('DRAINING');
    await shot('5-rolled-back-draining');
  });
});
