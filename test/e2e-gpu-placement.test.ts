/**
 * A GPU task on a machine with no GPUs: the real agent probes /dev, registers 0 GPUs, and the
 * scheduler keeps the task PENDING with a reason naming the GPU instead of binding it to an
 * instance where Docker would refuse its device request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeGpus } from '../controllers/agent/gpu-probe.js';
import { eventually, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ prefix: 'gpu' });
  await cluster.startAgent(`${cluster.name}-a`, { resources: { cpu: 2048, memory: 512 } });
});
afterAll(() => cluster?.dispose());

describe.runIf(probeGpus() === 0)('GPU placement on a machine without GPUs', () => {
  it('the instance registers 0 GPUs and a GPU task stays PENDING with a GPU reason', async () => {
    const instance = await eventually(() => cluster.client.get('ContainerInstance', { cluster: cluster.name, name: `${cluster.name}-a` }), 10_000, 'instance');
    expect(instance.spec.registeredResources.gpu).toBe(0);

    const at = { cluster: cluster.name };
    await cluster.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'cuda', ...at },
      spec: {
        containerDefinitions: [
          { name: 'train', image: TEST_IMAGE, memory: 32, command: ['sleep', '300'], resourceRequirements: [{ type: 'GPU', value: '1' }] },
        ],
      },
    });
    await cluster.client.create({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name: 'train-1', ...at }, spec: { taskDefinition: 'cuda:1' } });
    const task = await eventually(
      async () => {
        const t = await cluster.client.get('Task', { ...at, name: 'train-1' });
        return t?.status?.pendingReason ? t : undefined;
      },
      15_000,
      'a pending reason',
    );
    expect(task.status?.pendingReason).toMatch(/GPU/);
    expect(task.spec.containerInstance).toBeUndefined();
  });
});
