/**
 * DockerRuntime against the real Docker engine, with the local busybox image (no registry here).
 * Every object this file creates carries `berth.cluster=<unique>` and a name starting with
 * `berth-<unique>-`, so parallel test files never collide, and afterAll removes them all even when a
 * test fails.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Task } from '../api/v1/task.js';
import { TaskDefinition } from '../api/v1/task-definition.js';
import { rawContainer, rawTaskDefinition } from '../api/v1/testing.js';
import { toContainerSpec, type ContainerSpecInput } from '../controllers/agent/runtime/container-spec.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { ContainerNameConflictError, ContainerNotFoundError, DockerEngineError, ImageUnavailableError } from '../controllers/agent/runtime/errors.js';
import { DOCKER_LABELS, taskLabels, taskNetworkName } from '../controllers/agent/runtime/names.js';
import { canBind, HostPortAllocator } from '../controllers/agent/runtime/ports.js';
import type { ContainerInspection, EventSubscription, RuntimeEvent } from '../controllers/agent/runtime/types.js';

const image = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
const cluster = `rt-${randomUUID().slice(0, 8)}`;
const instance = 'i-runtime-test';
const installation = randomUUID();
const runtime = new DockerRuntime();
const docker = new Docker();
const mine = { [DOCKER_LABELS.cluster]: cluster };

type Plain = Record<string, unknown>;

/** A parsed task and definition of this file's cluster; `spec(name)` builds that container's create options. */
function fixture(containers: Plain[], td: Plain = {}) {
  const taskDefinition = TaskDefinition.parse(rawTaskDefinition({ containerDefinitions: containers, ...td }));
  const task = Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name: `t-${randomUUID().slice(0, 8)}`, cluster, uid: randomUUID() },
    spec: { taskDefinition: 'web:1', containerInstance: instance },
  });
  const definition = (name: string) => {
    const c = taskDefinition.spec.containerDefinitions.find((d) => d.name === name);
    if (!c) throw new Error(`fixture has no container ${name}`);
    return c;
  };
  const spec = (name: string, extra: Partial<ContainerSpecInput> = {}) =>
    toContainerSpec({ task, taskDefinition, containerDefinition: definition(name), instance, installation, ...extra });
  return { task, taskDefinition, definition, spec };
}

const container = (name: string, extra: Plain) => rawContainer(name, { image, ...extra });
const sh = (script: string) => ({ command: ['sh', '-c', script] });

/** Polls inspect (50 ms) until `ok`; containers are quick, so a few seconds is plenty. */
async function waitForState(id: string, ok: (c: ContainerInspection) => boolean, ms = 5000): Promise<ContainerInspection> {
  const deadline = Date.now() + ms;
  for (;;) {
    const c = await runtime.inspectContainer(id);
    if (ok(c)) return c;
    if (Date.now() > deadline) throw new Error(`container ${c.name} still ${c.state} (health ${c.health}) after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

async function createAndStart(spec: ReturnType<ReturnType<typeof fixture>['spec']>): Promise<string> {
  const id = await runtime.createContainer(spec);
  await runtime.startContainer(id);
  return id;
}

/** Events of this file's containers, with a way to wait for one. */
class EventLog {
  readonly seen: RuntimeEvent[] = [];
  private waiters: { match: (e: RuntimeEvent) => boolean; resolve: (e: RuntimeEvent) => void }[] = [];
  subscription: EventSubscription | undefined;

  push(e: RuntimeEvent) {
    this.seen.push(e);
    this.waiters = this.waiters.filter((w) => (w.match(e) ? (w.resolve(e), false) : true));
  }

  next(match: (e: RuntimeEvent) => boolean, ms = 5000): Promise<RuntimeEvent> {
    const already = this.seen.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${ms} ms; saw ${JSON.stringify(this.seen.map((e) => [e.type, e.name]))}`)), ms);
      this.waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }
}
const events = new EventLog();

beforeAll(async () => {
  events.subscription = await runtime.events((e) => events.push(e), { labels: mine });
});

afterAll(async () => {
  events.subscription?.close();
  for (const c of await runtime.listContainers({ labels: mine })) await runtime.removeContainer(c.id);
  for (const n of await runtime.listNetworks({ labels: mine })) await runtime.removeTaskNetwork(n.name);
  for (const v of await runtime.listVolumes({ labels: mine })) await runtime.removeVolume(v.name);
});

describe('DockerRuntime lifecycle', () => {
  it('creates, starts, inspects, stops and removes a container, labelled as berth’s', async () => {
    const f = fixture([container('app', { ...sh('trap "exit 0" TERM; while true; do sleep 0.1; done') })]);
    const spec = f.spec('app');
    const id = await runtime.createContainer(spec);
    expect((await runtime.inspectContainer(id)).state).toBe('created');

    await runtime.startContainer(id);
    const running = await runtime.inspectContainer(id);
    expect(running).toMatchObject({ id, name: spec.name, state: 'running', health: 'none', image });
    expect(running.startedAt).toBeDefined();
    expect(running.labels).toMatchObject({
      [DOCKER_LABELS.task]: f.task.metadata.name,
      [DOCKER_LABELS.container]: 'app',
      [DOCKER_LABELS.instance]: instance,
      [DOCKER_LABELS.cluster]: cluster,
      [DOCKER_LABELS.taskDefinition]: 'web:1',
    });

    await runtime.stopContainer(id, 5);
    const stopped = await runtime.inspectContainer(id);
    expect(stopped).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(stopped.finishedAt).toBeDefined();
    await runtime.stopContainer(id, 5); // already stopped: nothing to do

    await runtime.removeContainer(id);
    await expect(runtime.inspectContainer(id)).rejects.toBeInstanceOf(ContainerNotFoundError);
    await runtime.removeContainer(id); // already gone: nothing to do
  });

  it('refuses a second container of the same name, naming the one that exists', async () => {
    const f = fixture([container('app', {})]);
    const id = await runtime.createContainer(f.spec('app'));
    const second = runtime.createContainer(f.spec('app'));
    await expect(second).rejects.toBeInstanceOf(ContainerNameConflictError);
    await expect(second).rejects.toMatchObject({ existingId: id });
  });

  it('honours environment, command, working directory and user', async () => {
    const f = fixture([
      container('app', {
        ...sh('echo $X; pwd; id -u'),
        environment: [{ name: 'X', value: 'hello from berth' }],
        workingDirectory: '/work/dir',
        user: '1234',
      }),
    ]);
    const id = await createAndStart(f.spec('app'));
    expect((await waitForState(id, (c) => c.state === 'exited')).exitCode).toBe(0);
    expect(await readAll(await runtime.logs(id))).toBe('hello from berth\n/work/dir\n1234\n');
  });

  it('applies the memory limit and reservation', async () => {
    const f = fixture([container('app', { memory: 48, memoryReservation: 16 })]);
    const id = await runtime.createContainer(f.spec('app'));
    const { HostConfig } = await docker.getContainer(id).inspect();
    expect([HostConfig.Memory, HostConfig.MemoryReservation]).toEqual([48 * 1024 * 1024, 16 * 1024 * 1024]);
  });

  it('lists a task’s containers by label, stopped and never-started ones too', async () => {
    const f = fixture([container('done', sh('exit 0')), container('idle', { essential: false })]);
    const done = await createAndStart(f.spec('done'));
    const idle = await runtime.createContainer(f.spec('idle'));
    await waitForState(done, (c) => c.state === 'exited');
    const listed = await runtime.listContainers({ labels: { [DOCKER_LABELS.task]: f.task.metadata.name } });
    expect(listed.map((c) => [c.id, c.state, c.labels[DOCKER_LABELS.container]]).sort()).toEqual(
      [
        [done, 'exited', 'done'],
        [idle, 'created', 'idle'],
      ].sort(),
    );
  });
});

describe('DockerRuntime ports', () => {
  it('publishes a static and a dynamic host port, both reachable from the host', async () => {
    const allocator = new HostPortAllocator({ publishedPorts: () => runtime.publishedPorts() });
    let staticPort = 40000 + Math.floor(Math.random() * 8000);
    while (!(await canBind(staticPort, 'tcp'))) staticPort++;
    const dynamicPort = await allocator.allocate('tcp');
    const f = fixture([
      container('web', {
        ...sh('httpd -p 8080 -h /www && exec httpd -f -p 8081 -h /www'),
        portMappings: [{ containerPort: 8080, hostPort: staticPort }, { containerPort: 8081 }],
        linuxParameters: { initProcessEnabled: true },
      }),
    ]);
    const id = await createAndStart(f.spec('web', { hostPorts: { '8081/tcp': dynamicPort } }));

    const inspected = await runtime.inspectContainer(id);
    expect(inspected.hostPorts.filter((p) => p.bindIP === '0.0.0.0').map((p) => [p.containerPort, p.hostPort])).toEqual([
      [8080, staticPort],
      [8081, dynamicPort],
    ]);
    for (const port of [staticPort, dynamicPort]) expect(await fetchWithRetry(`http://127.0.0.1:${port}/`)).toContain('<h1>berth</h1>');
    // The engine now reports the dynamic port as published, so the allocator will not hand it out again.
    expect(await runtime.publishedPorts()).toContainEqual({ hostPort: dynamicPort, protocol: 'tcp' });
    allocator.release(dynamicPort);
  });
});

async function fetchWithRetry(url: string, ms = 5000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      return await response.text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('DockerRuntime events and health', () => {
  /** Docker refuses nothing under 1 ms, but ECS's schema wants ≥ 5 s; tests shorten it after parsing. */
  function withFastHealthCheck(f: ReturnType<typeof fixture>, name: string) {
    const hc = f.definition(name).healthCheck;
    if (!hc) throw new Error('fixture has no health check');
    Object.assign(hc, { interval: 1, timeout: 1, retries: 1 });
    return f;
  }

  it.each([
    ['healthy', ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1']],
    ['unhealthy', ['CMD-SHELL', 'exit 1']],
  ])('a health check that passes/fails turns the container %s, seen as an event', async (verdict, command) => {
    const f = withFastHealthCheck(
      fixture([container('web', { ...sh('exec httpd -f -p 8080 -h /www'), healthCheck: { command }, linuxParameters: { initProcessEnabled: true } })]),
      'web',
    );
    const id = await runtime.createContainer(f.spec('web'));
    const started = Date.now();
    await runtime.startContainer(id);
    const event = await events.next((e) => e.id === id && e.type === 'health_status');
    const elapsed = Date.now() - started;
    expect(event).toMatchObject({ health: verdict, labels: { [DOCKER_LABELS.container]: 'web', [DOCKER_LABELS.task]: f.task.metadata.name } });
    expect(elapsed).toBeLessThan(3000);
    expect((await runtime.inspectContainer(id)).health).toBe(verdict);
  });

  it('delivers start and die, the die with the exit code', async () => {
    const f = fixture([container('job', sh('sleep 0.2; exit 3'))]);
    const id = await createAndStart(f.spec('job'));
    const start = await events.next((e) => e.id === id && e.type === 'start');
    const die = await events.next((e) => e.id === id && e.type === 'die');
    expect(start.name).toBe(f.spec('job').name);
    expect(die.exitCode).toBe(3);
    expect(die.time).toBeGreaterThanOrEqual(start.time);
  });

  it('probe runs a health check once as Docker would: CMD and CMD-SHELL pass and fail by exit code, a slow one times out', async () => {
    const f = fixture([container('p', { command: ['sleep', '60'], linuxParameters: { initProcessEnabled: true } })]);
    const id = await createAndStart(f.spec('p'));
    expect(await runtime.probe(id, ['CMD', 'true'], 2)).toBe(true);
    expect(await runtime.probe(id, ['CMD', 'false'], 2)).toBe(false);
    expect(await runtime.probe(id, ['CMD-SHELL', 'test -d /proc && exit 0'], 2)).toBe(true);
    expect(await runtime.probe(id, ['CMD-SHELL', 'exit 7'], 2)).toBe(false);
    expect(await runtime.probe(id, ['CMD', 'no-such-command'], 2)).toBe(false);
    const started = Date.now();
    expect(await runtime.probe(id, ['CMD', 'sleep', '10'], 1)).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    await runtime.stopContainer(id, 1);
    expect(await runtime.probe(id, ['CMD', 'true'], 2)).toBe(false); // not running: nothing to run it in
    await runtime.removeContainer(id);
    await expect(runtime.probe(id, ['CMD', 'true'], 2)).rejects.toBeInstanceOf(ContainerNotFoundError);
  });

  it('delivers destroy when the container is removed', async () => {
    const f = fixture([container('x', {})]);
    const id = await runtime.createContainer(f.spec('x'));
    await runtime.removeContainer(id);
    expect((await events.next((e) => e.id === id && e.type === 'destroy')).labels[DOCKER_LABELS.cluster]).toBe(cluster);
  });

  it('keeps to berth’s containers: one without berth labels is not reported', async () => {
    const foreign = await docker.createContainer({
      Image: image,
      Cmd: ['true'],
      name: `berth-${cluster}-foreign`,
      Labels: { [DOCKER_LABELS.cluster]: cluster },
    });
    try {
      await foreign.start();
      const f = fixture([container('marker', sh('true'))]);
      const marker = await createAndStart(f.spec('marker'));
      // The marker's die comes after the foreign one's would have; by then it would have been seen.
      await events.next((e) => e.id === marker && e.type === 'die');
      expect(events.seen.filter((e) => e.id === foreign.id)).toEqual([]);
    } finally {
      await foreign.remove({ force: true });
    }
  });
});

describe('DockerRuntime networks and stopping', () => {
  it('links: container b reaches container a by its link alias over the task network', async () => {
    const f = fixture([
      container('a', { ...sh('exec httpd -f -p 8080 -h /www'), linuxParameters: { initProcessEnabled: true } }),
      container('b', {
        essential: false,
        links: ['a:webserver'],
        ...sh('i=0; while [ $i -lt 50 ]; do wget -q -O - http://webserver:8080/ && exit 0; i=$((i+1)); sleep 0.1; done; exit 1'),
      }),
    ]);
    const networkName = await runtime.createTaskNetwork({
      name: taskNetworkName(cluster, f.task.metadata),
      labels: taskLabels({ installation, cluster, instance }, f.task.metadata),
    });
    expect(await runtime.createTaskNetwork({ name: networkName, labels: {} })).toBe(networkName); // idempotent
    await createAndStart(f.spec('a', { networkName }));
    const b = await createAndStart(f.spec('b', { networkName }));
    expect((await waitForState(b, (c) => c.state === 'exited', 10_000)).exitCode).toBe(0);
    expect(await readAll(await runtime.logs(b))).toContain('<h1>berth</h1>');

    for (const c of await runtime.listContainers({ labels: { [DOCKER_LABELS.task]: f.task.metadata.name } })) await runtime.removeContainer(c.id);
    await runtime.removeTaskNetwork(networkName);
    await runtime.removeTaskNetwork(networkName); // already gone
    expect(await runtime.listNetworks({ labels: { [DOCKER_LABELS.task]: f.task.metadata.name } })).toEqual([]);
  });

  it.each([
    // A stop timeout of 8 s keeps the two apart on a loaded machine, where a fast stop took up to 5 s.
    ['with initProcessEnabled, stop is fast', true, 0, 6000],
    ['without it, sleep as PID 1 ignores SIGTERM and stop waits out the timeout', false, 7900, 14000],
  ])('%s', async (_name, init, atLeast, below) => {
    const f = fixture([container('app', { command: ['sleep', '300'], stopTimeout: 8, linuxParameters: { initProcessEnabled: init } })]);
    const spec = f.spec('app');
    const id = await createAndStart(spec);
    const began = Date.now();
    await runtime.stopContainer(id, spec.StopTimeout ?? 30);
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(atLeast);
    expect(took).toBeLessThan(below);
    expect((await runtime.inspectContainer(id)).state).toBe('exited');
  });
});

describe('DockerRuntime volumes', () => {
  it('a task volume is shared by the task’s containers, and a host sourcePath is a bind mount', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'berth-runtime-'));
    try {
      const f = fixture(
        [
          container('writer', {
            ...sh('echo shared > /data/x && echo bound > /host/y'),
            mountPoints: [
              { sourceVolume: 'data', containerPath: '/data' },
              { sourceVolume: 'host', containerPath: '/host' },
            ],
          }),
          container('reader', { essential: false, ...sh('cat /data/x'), mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }] }),
        ],
        { volumes: [{ name: 'data' }, { name: 'host', host: { sourcePath: hostDir } }] },
      );
      const writer = await createAndStart(f.spec('writer'));
      expect((await waitForState(writer, (c) => c.state === 'exited')).exitCode).toBe(0);
      const reader = await createAndStart(f.spec('reader'));
      expect((await waitForState(reader, (c) => c.state === 'exited')).exitCode).toBe(0);
      expect(await readAll(await runtime.logs(reader))).toBe('shared\n');
      expect(readFileSync(join(hostDir, 'y'), 'utf8')).toBe('bound\n');

      const taskOnly = { [DOCKER_LABELS.task]: f.task.metadata.name };
      const volumes = await runtime.listVolumes({ labels: taskOnly });
      expect(volumes.map((v) => v.labels[DOCKER_LABELS.volume])).toEqual(['data']);
      for (const id of [writer, reader]) await runtime.removeContainer(id);
      for (const v of volumes) await runtime.removeVolume(v.name);
      expect(await runtime.listVolumes({ labels: taskOnly })).toEqual([]);
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });
});

describe('DockerRuntime logs', () => {
  it('returns the last lines with tail', async () => {
    const f = fixture([container('app', sh('for i in 1 2 3 4 5; do echo line$i; done'))]);
    const id = await createAndStart(f.spec('app'));
    await waitForState(id, (c) => c.state === 'exited');
    expect(await readAll(await runtime.logs(id, { tail: 2 }))).toBe('line4\nline5\n');
  });

  it('merges stderr into the text', async () => {
    const f = fixture([container('app', sh('echo out; sleep 0.1; echo err >&2'))]);
    const id = await createAndStart(f.spec('app'));
    await waitForState(id, (c) => c.state === 'exited');
    expect(await readAll(await runtime.logs(id))).toBe('out\nerr\n');
  });

  it('follows a running container until the caller stops reading', async () => {
    const f = fixture([
      container('app', { ...sh('i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.1; done'), linuxParameters: { initProcessEnabled: true } }),
    ]);
    const id = await createAndStart(f.spec('app'));
    const stream = await runtime.logs(id, { follow: true });
    let text = '';
    for await (const chunk of stream) {
      text += String(chunk);
      if (text.includes('tick3\n')) break; // leaving the loop destroys the stream
    }
    expect(text.startsWith('tick1\ntick2\ntick3\n')).toBe(true);
    expect(stream.destroyed).toBe(true);
  });

  it('since leaves out what was written before', async () => {
    const f = fixture([container('app', sh('echo early; sleep 1.2; echo late'))]);
    const id = await createAndStart(f.spec('app'));
    await waitForState(id, (c) => c.state === 'exited');
    const { startedAt } = await runtime.inspectContainer(id);
    const after = new Date(Date.parse(startedAt ?? '') + 1000);
    expect(await readAll(await runtime.logs(id, { since: after }))).toBe('late\n');
  });
});

describe('DockerRuntime images and engine', () => {
  it('ensureImage of a local image succeeds without pulling (no registry is reachable, so a pull would fail)', async () => {
    await expect(runtime.ensureImage(image)).resolves.toBeUndefined();
  });

  it('ensureImage of a missing image fails fast with a clear error, once for concurrent callers', async () => {
    const missing = `berth.local/does-not-exist-${randomUUID().slice(0, 8)}:1`;
    const began = Date.now();
    const [a, b] = await Promise.allSettled([runtime.ensureImage(missing), runtime.ensureImage(missing)]);
    expect(Date.now() - began).toBeLessThan(5000);
    expect(a.status).toBe('rejected');
    const error = a.status === 'rejected' ? a.reason : undefined;
    expect(error).toBeInstanceOf(ImageUnavailableError);
    expect(error).toMatchObject({ name: 'ImageUnavailable', image: missing });
    expect(String(error)).toMatch(/docker load/);
    expect(b.status === 'rejected' && b.reason).toBe(error); // one pull, shared
  });

  it('an unreachable engine is a retriable DockerEngine error naming the operation', async () => {
    const nowhere = new DockerRuntime({ socketPath: join(tmpdir(), `no-docker-${randomUUID()}.sock`) });
    const failed = nowhere.info();
    await expect(failed).rejects.toBeInstanceOf(DockerEngineError);
    await expect(failed).rejects.toMatchObject({ retriable: true, message: expect.stringContaining('reading engine info') });
    await expect(failed).rejects.toThrow(/check that dockerd is running/);
  });

  it('an error the engine answers with says what the engine said, and not to check that dockerd runs', async () => {
    const name = `rt-refused-${randomUUID().slice(0, 8)}`;
    const failed = runtime.createContainer({ name, Image: image, HostConfig: { Memory: 1024 } });
    await expect(failed).rejects.toBeInstanceOf(DockerEngineError);
    await expect(failed).rejects.toMatchObject({ status: 400, retriable: false });
    await expect(failed).rejects.toThrow(/HTTP 400 to creating container rt-refused-.*[Mm]inimum memory limit/);
    await expect(failed).rejects.not.toThrow(/dockerd is running/);
    await runtime.removeContainer(name); // should the engine ever accept it
  });

  it('info reports the engine’s cpus, memory, os, arch, version, log drivers and cgroups', async () => {
    const info = await runtime.info();
    const raw = await docker.info();
    expect(info).toEqual({
      cpus: raw.NCPU,
      memoryBytes: raw.MemTotal,
      os: 'linux',
      arch: raw.Architecture,
      engineVersion: raw.ServerVersion,
      logDrivers: raw.Plugins.Log,
      cgroupDriver: raw.CgroupDriver,
      cgroupVersion: raw.CgroupVersion,
    });
    expect(info.logDrivers).toContain('json-file');
    expect(info.cpus).toBeGreaterThan(0);
  });
});
