/**
 * A task in two target groups (a service with two loadBalancers entries), against a real store with
 * the target-group controller: it is stopped only when EVERY group it is in has drained it, not when
 * the group with the shorter deregistrationDelay is done (the other one still sends it requests).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSharedIndexes } from '../controllers/conventions.js';
import { targetGroupController } from '../controllers/lb/controller.js';
import { DEREGISTER_ANNOTATION } from '../controllers/lb/conventions.js';
import { Manager } from '../controllers/kit/manager.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';

const C = 'prod';
const SHORT_S = 1;
const LONG_S = 4;

describe('a task in two target groups', () => {
  let env: TestEnv;
  let stop: AbortController;
  beforeEach(async () => {
    env = await startTestEnv();
    stop = new AbortController();
    const create = (obj: Parameters<TestEnv['client']['create']>[0]) => env.client.create(obj);
    await create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: C }, spec: {} });
    await create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'web', cluster: C },
      spec: { containerDefinitions: [{ name: 'web', image: 'berth.local/busybox:1', memory: 32, portMappings: [{ containerPort: 8080, hostPort: 0 }] }] },
    });
    for (const [name, delay] of [
      ['short', SHORT_S],
      ['long', LONG_S],
    ] as const)
      await create({ apiVersion: 'berth.dev/v1', kind: 'TargetGroup', metadata: { name, cluster: C }, spec: { protocol: 'HTTP', deregistrationDelay: delay } });
    await create({
      apiVersion: 'berth.dev/v1',
      kind: 'ContainerInstance',
      metadata: { name: 'i1', cluster: C },
      spec: { registeredResources: { cpu: 1024, memory: 1024 } },
      status: { agentConnected: true, lastHeartbeat: new Date().toISOString() },
    });
    await create({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web', cluster: C },
      spec: {
        taskDefinition: 'web',
        desiredCount: 1,
        loadBalancers: [
          { targetGroupName: 'short', containerName: 'web', containerPort: 8080 },
          { targetGroupName: 'long', containerName: 'web', containerPort: 8080 },
        ],
      },
    });
    await create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name: 'web-1', cluster: C },
      spec: { taskDefinition: 'web:1', group: 'service:web', containerInstance: 'i1' },
      status: {
        lastStatus: 'RUNNING',
        healthStatus: 'UNKNOWN',
        containers: [
          {
            name: 'web',
            lastStatus: 'RUNNING',
            healthStatus: 'UNKNOWN',
            networkBindings: [{ containerPort: 8080, hostPort: 40001, protocol: 'tcp', bindIP: '0.0.0.0' }],
          },
        ],
      },
    });
    const manager = new Manager({ client: env.client });
    addSharedIndexes(manager);
    void manager.add(targetGroupController()).run(stop.signal);
  });
  afterEach(async () => {
    stop.abort();
    await env.stop();
  });

  const targetsOf = async (group: string) => (await env.client.mustGet('TargetGroup', { cluster: C, name: group })).status?.targets ?? [];
  const desired = async () => (await env.client.mustGet('Task', { cluster: C, name: 'web-1' })).spec.desiredStatus;

  it('is stopped when the last group has drained it', async () => {
    await eventually(async () => (await targetsOf('short')).length === 1 && (await targetsOf('long')).length === 1, 5_000, 'the task a target of both groups');
    await env.client.mutate('Task', { cluster: C, name: 'web-1' }, (t) => {
      t.metadata.annotations = { ...t.metadata.annotations, [DEREGISTER_ANNOTATION]: 'scaled in' };
    });
    const marked = Date.now();
    // The short group is done draining; the long one still drains, so the task keeps running.
    await eventually(async () => (await targetsOf('short')).length === 0, (SHORT_S + 3) * 1_000, 'the short group done draining');
    await new Promise((r) => setTimeout(r, 500));
    expect((await targetsOf('long')).map((t) => t.health)).toEqual(['draining']);
    expect(await desired()).toBe('RUNNING');
    await eventually(async () => (await desired()) === 'STOPPED', (LONG_S + 4) * 1_000, 'the task stopped once both groups drained it');
    expect(Date.now() - marked).toBeGreaterThanOrEqual(LONG_S * 1_000);
  });
});
