/**
 * The agent against the real Docker engine and a real store: registration and heartbeats, a task
 * from bound to RUNNING (with a dynamic host port reachable over HTTP), and every way a task ends.
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTES } from '../api/v1/container-instance.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, INSTANCE, sh, startAgentEnv, type AgentEnv } from './agent-harness.js';

const docker = new Docker();
let h: AgentEnv;

beforeAll(async () => {
  h = await startAgentEnv('ag-life');
  await h.startAgent({ attributes: { stack: 'test' } });
});
afterAll(async () => h?.cleanup());

const httpd = (name: string, extra: Record<string, unknown> = {}) =>
  container(name, { ...sh('exec httpd -f -p 8080 -h /www'), portMappings: [{ containerPort: 8080, hostPort: 0 }], ...extra });

describe('berth agent', () => {
  it('registers its instance with resources and attributes, and heartbeats', async () => {
    const ci = await h.client.mustGet('ContainerInstance', { cluster: h.cluster, name: INSTANCE });
    expect(ci.spec.registeredResources.cpu).toBeGreaterThanOrEqual(1024);
    expect(ci.spec.registeredResources.memory).toBeGreaterThan(64);
    expect(ci.spec.attributes).toMatchObject({
      [ATTRIBUTES.osType]: 'linux',
      [ATTRIBUTES.instanceType]: 'berth.local',
      [ATTRIBUTES.availabilityZone]: 'local',
      stack: 'test',
    });
    expect(ci.status).toMatchObject({ agentConnected: true });
    const first = ci.status?.lastHeartbeat ?? '';
    const later = await eventually(
      async () => {
        const now = await h.client.mustGet('ContainerInstance', { cluster: h.cluster, name: INSTANCE });
        return (now.status?.lastHeartbeat ?? '') > first ? now : undefined;
      },
      3000,
      'a newer heartbeat',
    );
    expect(later.status?.registeredAt).toBe(ci.status?.registeredAt);
  });

  it('runs a bound task: RUNNING with its docker id and a reachable dynamic host port', async () => {
    const td = await h.taskDefinition('web', [httpd('web')]);
    const t0 = Date.now();
    await h.runTask('web-1', td);
    const task = await h.waitForTask('web-1', (t) => t.status?.lastStatus === 'RUNNING', 10_000);
    const ms = Date.now() - t0;
    process.stdout.write(`[measure] bound task → RUNNING reported: ${ms} ms\n`);
    const c = task.status?.containers[0];
    expect(c).toMatchObject({ name: 'web', lastStatus: 'RUNNING', healthStatus: 'UNKNOWN' });
    expect(task.status).toMatchObject({ healthStatus: 'UNKNOWN', connectivity: 'CONNECTED' });
    expect(task.status?.startedAt).toBeDefined();
    expect(task.status?.pullStartedAt).toBeDefined();
    expect(task.status?.pullStoppedAt).toBeDefined();
    const binding = c?.networkBindings[0];
    expect(binding).toMatchObject({ containerPort: 8080, protocol: 'tcp' });
    expect(binding?.hostPort).toBeGreaterThanOrEqual(49153);

    const listed = await h.containers({ [DOCKER_LABELS.task]: 'web-1' });
    expect(listed).toHaveLength(1);
    expect(listed[0]?.id).toBe(c?.dockerId);
    expect(listed[0]?.labels).toMatchObject({
      [DOCKER_LABELS.instance]: INSTANCE,
      [DOCKER_LABELS.cluster]: h.cluster,
      [DOCKER_LABELS.container]: 'web',
      [DOCKER_LABELS.taskUid]: task.metadata.uid,
    });

    const res = await eventually(async () => fetch(`http://127.0.0.1:${binding?.hostPort}/`).catch(() => undefined), 3000, 'httpd answering');
    expect(res.status).toBeLessThan(500);
  });

  it('docker kill of the essential container → task STOPPED (EssentialContainerExited) within a second', async () => {
    const task = await h.getTask('web-1');
    const id = task?.status?.containers[0]?.dockerId ?? '';
    const t0 = Date.now();
    await docker.getContainer(id).kill();
    const stopped = await h.waitForTask('web-1', (t) => t.status?.lastStatus === 'STOPPED', 3000);
    const ms = Date.now() - t0;
    process.stdout.write(`[measure] docker kill → STOPPED reported: ${ms} ms\n`);
    expect(ms).toBeLessThan(1500);
    expect(stopped.status).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' });
    expect(stopped.status?.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 137 });
    expect(stopped.status?.stoppedAt).toBeDefined();
  });

  it('an essential container removed behind the agent (docker rm -f) ends the task and is not recreated', async () => {
    const td = await h.taskDefinition('vanish', [container('app', { command: ['sleep', '300'] })]);
    await h.runTask('vanish-1', td);
    const running = await h.waitForTask('vanish-1', (t) => t.status?.lastStatus === 'RUNNING');
    const id = running.status?.containers[0]?.dockerId ?? '';
    await docker.getContainer(id).remove({ force: true });
    const stopped = await h.waitForTask('vanish-1', (t) => t.status?.lastStatus === 'STOPPED', 3000);
    expect(stopped.status).toMatchObject({ stopCode: 'EssentialContainerExited' });
    expect(stopped.status?.containers[0]).toMatchObject({ dockerId: id, lastStatus: 'STOPPED', reason: 'the container was removed from the Docker engine' });
    expect(await h.containers({ [DOCKER_LABELS.task]: 'vanish-1' })).toHaveLength(0);
  });

  /** Runs a one-container task with `healthCheck`; resolves once it is HEALTHY, with Docker's own health status then. */
  async function untilHealthy(name: string, healthCheck: Record<string, unknown>) {
    const td = await h.taskDefinition(name, [container('app', { command: ['sleep', '300'], healthCheck })]);
    const t0 = Date.now();
    await h.runTask(`${name}-1`, td);
    const task = await h.waitForTask(`${name}-1`, (t) => t.status?.healthStatus === 'HEALTHY', 20_000);
    const inspected = await docker.getContainer(task.status?.containers[0]?.dockerId ?? '').inspect();
    return { task, ms: Date.now() - t0, docker: inspected.State.Health?.Status };
  }

  it('a container with a health check is HEALTHY once its first check passes right after the start, not one interval later', async () => {
    // Docker's own first check runs one interval (here 60 s) after the start; the agent runs it at once.
    const healthy = await untilHealthy('probed', { command: ['CMD-SHELL', 'test -d /proc'], interval: 60, timeout: 5, retries: 3 });
    process.stdout.write(`[measure] bound task with a 60 s health check → HEALTHY: ${healthy.ms} ms\n`);
    expect(healthy.task.status?.containers[0]).toMatchObject({ lastStatus: 'RUNNING', healthStatus: 'HEALTHY' });
    expect(healthy.docker).toBe('starting'); // Docker has not checked yet: the HEALTHY is the agent's own check
  });

  it("at Docker's 1 s minimum interval the agent leaves the first check to Docker", async () => {
    const healthy = await untilHealthy('unprobed', { command: ['CMD-SHELL', 'test -d /proc'], interval: 1, timeout: 1, retries: 3 });
    expect(healthy.docker).toBe('healthy'); // reported only once Docker's own check had passed
  });

  it("a first check that fails leaves the task UNKNOWN for Docker's own checks to decide", async () => {
    const healthCheck = { command: ['CMD-SHELL', 'exit 1'], interval: 60, timeout: 5, retries: 3 };
    const td = await h.taskDefinition('probed-sick', [container('app', { command: ['sleep', '300'], healthCheck })]);
    await h.runTask('probed-sick-1', td);
    const running = await h.waitForTask('probed-sick-1', (t) => t.status?.lastStatus === 'RUNNING', 10_000);
    await new Promise((r) => setTimeout(r, 1500)); // the agent's check has long run and failed
    expect((await h.getTask('probed-sick-1'))?.status?.healthStatus).toBe('UNKNOWN');
    expect(running.status?.containers[0]?.healthStatus).toBe('UNKNOWN');
  });

  it('a non-essential container that exits is only reported', async () => {
    const td = await h.taskDefinition('side', [
      container('app', { command: ['sleep', '300'] }),
      container('side', { essential: false, ...sh('sleep 0.3; exit 3') }),
    ]);
    await h.runTask('side-1', td);
    const task = await h.waitForTask('side-1', (t) => t.status?.containers.find((c) => c.name === 'side')?.lastStatus === 'STOPPED', 10_000);
    expect(task.status?.lastStatus).toBe('RUNNING');
    expect(task.status?.containers.find((c) => c.name === 'side')).toMatchObject({ exitCode: 3 });
    expect(task.status?.containers.find((c) => c.name === 'app')).toMatchObject({ lastStatus: 'RUNNING' });
  });

  it('desiredStatus STOPPED stops the task quickly: STOPPING, then STOPPED with the reason', async () => {
    await h.waitForTask('side-1', (t) => t.status?.lastStatus === 'RUNNING');
    const t0 = Date.now();
    await h.client.mutate('Task', { cluster: h.cluster, name: 'side-1' }, (t) => {
      t.spec.desiredStatus = 'STOPPED';
      t.spec.stopReason = 'test asked';
    });
    const stopped = await h.waitForTask('side-1', (t) => t.status?.lastStatus === 'STOPPED', 5000);
    process.stdout.write(`[measure] desiredStatus STOPPED → STOPPED reported: ${Date.now() - t0} ms\n`);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(stopped.status).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'test asked' });
    expect(stopped.status?.stoppingAt).toBeDefined();
    expect(stopped.status?.containers.find((c) => c.name === 'app')).toMatchObject({ lastStatus: 'STOPPED', exitCode: 143 });
    // STOPPED is reported on Docker's die event; Docker's own cleanup (network, mounts) may take a
    // moment longer before it lists the containers as exited.
    await eventually(
      async () => {
        const states = (await h.containers({ [DOCKER_LABELS.task]: 'side-1' })).map((c) => c.state);
        return states.length > 0 && states.every((s) => s === 'exited') ? true : undefined;
      },
      2000,
      'side-1 containers exited',
    );
  });

  it("one task's slow stop does not hold up another task", async () => {
    // No init: `sleep` as PID 1 ignores SIGTERM, so this stop waits out its whole 4 s timeout.
    const slowTd = await h.taskDefinition('slow', [container('app', { command: ['sleep', '300'], linuxParameters: {}, stopTimeout: 4 })]);
    const quickTd = await h.taskDefinition('quick', [container('app', { command: ['sleep', '300'] })]);
    await h.runTask('slow-1', slowTd);
    await h.waitForTask('slow-1', (t) => t.status?.lastStatus === 'RUNNING');
    await h.client.mutate('Task', { cluster: h.cluster, name: 'slow-1' }, (t) => {
      t.spec.desiredStatus = 'STOPPED';
    });
    await h.waitForTask('slow-1', (t) => t.status?.lastStatus === 'STOPPING', 2000);
    const t0 = Date.now();
    await h.runTask('quick-1', quickTd);
    await h.waitForTask('quick-1', (t) => t.status?.lastStatus === 'RUNNING', 3000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((await h.getTask('slow-1'))?.status?.lastStatus).toBe('STOPPING');
    const slow = await h.waitForTask('slow-1', (t) => t.status?.lastStatus === 'STOPPED', 8000);
    expect(slow.status?.containers[0]).toMatchObject({ exitCode: 137 });
  });

  it('a batch task whose essential container exits 0 ends STOPPED with its exit code', async () => {
    const td = await h.taskDefinition('batch', [container('job', { ...sh('echo done; exit 0') })]);
    await h.runTask('batch-1', td);
    const task = await h.waitForTask('batch-1', (t) => t.status?.lastStatus === 'STOPPED', 10_000);
    expect(task.status).toMatchObject({ stopCode: 'EssentialContainerExited' });
    expect(task.status?.containers[0]).toMatchObject({ name: 'job', lastStatus: 'STOPPED', exitCode: 0 });
  });

  it('a container that cannot start → STOPPED with TaskFailedToStart and the error', async () => {
    // Without init: with it, docker-init starts fine and only then fails to exec (exit 127).
    const td = await h.taskDefinition('broken', [container('app', { command: ['/no/such/binary'], linuxParameters: {} })]);
    await h.runTask('broken-1', td);
    const task = await h.waitForTask('broken-1', (t) => t.status?.lastStatus === 'STOPPED', 10_000);
    expect(task.status?.stopCode).toBe('TaskFailedToStart');
    expect(task.status?.stoppedReason).toMatch(/no\/such\/binary|no such file/i);
  });

  it('stopped containers of ended tasks are removed after the retention', async () => {
    const td = await h.taskDefinition('short', [container('job', { ...sh('exit 0') })]);
    const quick = await h.startAgent({ instanceName: 'i-retention', stoppedContainerRetentionMs: 300 });
    await h.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name: 'short-1', cluster: h.cluster },
      spec: { taskDefinition: td, containerInstance: 'i-retention' },
    });
    await h.waitForTask('short-1', (t) => t.status?.lastStatus === 'STOPPED', 10_000);
    await eventually(async () => (await h.containers({ [DOCKER_LABELS.task]: 'short-1' })).length === 0, 5000, 'container removed after retention');
    await quick.stop();
  });
});
