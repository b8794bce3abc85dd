/**
 * The chaos checker's reading of the engine (hack/chaos/engine-view.ts) against the real Docker
 * engine: a container whose removal failed is what Docker's own state says (`dead`), not the
 * "Removal In Progress" its list keeps showing. The long chaos run of 2026-12-07 reported two such
 * containers as orphans "(removing)" of STOPPED tasks: Docker had failed to remove their root
 * filesystems (device or resource busy) and marked them dead. Needs root (chattr).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Task } from '../api/v1/task.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { engineSnapshot } from '../hack/chaos/engine-view.js';
import { orphans } from '../hack/chaos/judge.js';
import type { StoreSnapshot } from '../hack/chaos/store-view.js';
import { TEST_IMAGE } from './support/cluster.js';

const docker = new Docker();
const Overlay = z.object({ GraphDriver: z.object({ Data: z.object({ UpperDir: z.string() }) }) });
const isRoot = process.getuid?.() === 0;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const stoppedTask = (cluster: string, uid: string) =>
  Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name: 'web-1', cluster, uid },
    spec: { taskDefinition: 'web:1', desiredStatus: 'STOPPED', containerInstance: 'i1', group: 'service:web' },
    status: { lastStatus: 'STOPPED' },
  });

describe.skipIf(!isRoot)('chaos engine view', () => {
  it('a container whose removal failed reads as dead (as Docker inspects it), not as an orphan being removed', async () => {
    const cluster = `view-${randomUUID().slice(0, 8)}`;
    const uid = randomUUID();
    const created = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo held > /held; trap "exit 0" TERM; while true; do sleep 1; done'],
      Labels: {
        [DOCKER_LABELS.cluster]: cluster,
        [DOCKER_LABELS.task]: 'web-1',
        [DOCKER_LABELS.taskUid]: uid,
        [DOCKER_LABELS.container]: 'app',
        [DOCKER_LABELS.instance]: 'i1',
        [DOCKER_LABELS.taskDefinition]: 'web:1',
      },
    });
    // overlay2's layer (dockerode types GraphDriver.Data as devicemapper's).
    const upper = Overlay.parse(await created.inspect()).GraphDriver.Data.UpperDir;
    const held = join(upper, 'held');
    cleanups.push(async () => {
      if (existsSync(held)) execFileSync('chattr', ['-i', held]);
      await created.remove({ force: true }).catch(() => undefined);
    });
    await created.start();
    await eventually(() => existsSync(held), 10_000, 'the file in the container layer');
    // An immutable file in the container's layer: Docker cannot remove its root filesystem, as
    // when the layer's mount is busy — the removal fails and Docker marks the container dead.
    execFileSync('chattr', ['+i', held]);
    await expect(created.remove({ force: true })).rejects.toThrow(/failed to remove root filesystem/);
    const listed = await docker.listContainers({ all: true, filters: JSON.stringify({ id: [created.id] }) });
    expect(listed[0]?.State, "Docker's list (the stale state this test is about)").toBe('removing');

    const engine = await engineSnapshot(docker, cluster);
    expect(engine.containers.map((c) => c.state)).toEqual(['dead']);
    const store: StoreSnapshot = { tasks: [{ object: stoppedTask(cluster, uid), modRevision: 1 }], services: [], taskDefinitions: [], instances: [] };
    // Kept like an exited container of a stopped task (the agent removes it after the retention).
    expect(orphans(store, engine)).toEqual([]);
  }, 30_000);
});
