/**
 * The deploy step of most ECS pipelines, through the official @aws-sdk/client-ecs against berth on
 * the real Docker engine: RegisterTaskDefinition → CreateService → waitUntilServicesStable →
 * UpdateService to a new revision → stable again, with deployments, rolloutState and events as
 * ECS reports them; forceNewDeployment; and RunTask / StartTask / StopTask / DescribeTasks /
 * ListTasks with the tasks-running and tasks-stopped waiters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
  UpdateContainerInstancesStateCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopServiceDeploymentCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { TEST_IMAGE, type TestCluster } from './support/cluster.js';
import { ecsError, fastWaiter, startEcsCluster } from './support/ecs-api.js';

let cluster: TestCluster;
let ecs: ECSClient;
let instance: string;

beforeAll(async () => {
  ({ cluster, instance, ecs } = await startEcsCluster('ecsapi'));
}, 60_000);
afterAll(async () => {
  ecs?.destroy();
  await cluster?.dispose();
});

/** A container that stops at once on SIGTERM (Docker's --init), so rollouts do not wait out stop timeouts. */
const definition = (family: string, sleep: string) => ({
  family,
  containerDefinitions: [
    { name: 'main', image: TEST_IMAGE, memory: 16, essential: true, command: ['sleep', sleep], stopTimeout: 2, linuxParameters: { initProcessEnabled: true } },
  ],
});

const rolloutState = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: cluster.name, services: ['web'] }))).services?.[0]?.deployments?.[0]?.rolloutState;

describe('services through the ECS API', () => {
  it('deploys, becomes stable, rolls to a new revision and is stable again, as services-stable sees it', async () => {
    const name = cluster.name;
    const first = await ecs.send(new RegisterTaskDefinitionCommand(definition('ecsapi-web', '600')));
    const created = await ecs.send(new CreateServiceCommand({ cluster: name, serviceName: 'web', taskDefinition: 'ecsapi-web', desiredCount: 2 }));
    expect(created.service).toMatchObject({
      serviceName: 'web',
      status: 'ACTIVE',
      desiredCount: 2,
      serviceArn: expect.stringMatching(new RegExp(`:service/${name}/web$`)),
    });
    expect((await waitUntilServicesStable(fastWaiter(ecs), { cluster: name, services: ['web'] })).state).toBe('SUCCESS');

    const described = await ecs.send(new DescribeServicesCommand({ cluster: name, services: ['web', 'ecsapi-missing'] }));
    expect(described.services?.[0]).toMatchObject({ runningCount: 2, pendingCount: 0, taskDefinition: first.taskDefinition?.taskDefinitionArn });
    expect(described.services?.[0]?.deployments).toEqual([expect.objectContaining({ status: 'PRIMARY', runningCount: 2, createdAt: expect.any(Date) })]);
    expect(described.failures).toEqual([{ arn: expect.stringMatching(new RegExp(`:service/${name}/ecsapi-missing$`)), reason: 'MISSING' }]);
    // As on ECS, the rollout is COMPLETED a moment after the count is reached (once the tasks are healthy).
    await expect.poll(rolloutState, { timeout: 15_000 }).toBe('COMPLETED');
    const tasks = await ecs.send(new ListTasksCommand({ cluster: name, serviceName: 'web' }));
    expect(tasks.taskArns).toHaveLength(2);

    const second = await ecs.send(new RegisterTaskDefinitionCommand(definition('ecsapi-web', '601')));
    const updating = await ecs.send(new UpdateServiceCommand({ cluster: name, service: 'web', taskDefinition: second.taskDefinition?.taskDefinitionArn }));
    // As ECS does, the answer already holds the new deployment, so a waiter started now cannot see the old one alone.
    expect(updating.service?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: second.taskDefinition?.taskDefinitionArn });
    expect((await waitUntilServicesStable(fastWaiter(ecs), { cluster: name, services: [created.service?.serviceArn ?? ''] })).state).toBe('SUCCESS');
    await expect.poll(rolloutState, { timeout: 15_000 }).toBe('COMPLETED');
    const rolled = (await ecs.send(new DescribeServicesCommand({ cluster: name, services: ['web'] }))).services?.[0];
    expect(rolled?.taskDefinition).toBe(second.taskDefinition?.taskDefinitionArn);
    // The controller adopted the deployment UpdateService started (same id), and started no other.
    expect(rolled?.deployments).toEqual([
      expect.objectContaining({
        id: updating.service?.deployments?.[0]?.id,
        status: 'PRIMARY',
        rolloutState: 'COMPLETED',
        taskDefinition: second.taskDefinition?.taskDefinitionArn,
        runningCount: 2,
      }),
    ]);
    const history = await ecs.send(new ListServiceDeploymentsCommand({ cluster: name, service: 'web' }));
    expect(history.serviceDeployments?.map((d) => d.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL']);
    expect(rolled?.events?.map((e) => e.message)).toContainEqual(expect.stringContaining('has reached a steady state'));

    // forceNewDeployment: a new deployment of the same revision replaces every task.
    const before = new Set((await ecs.send(new ListTasksCommand({ cluster: name, serviceName: 'web' }))).taskArns);
    const oldId = rolled?.deployments?.[0]?.id;
    const forced = await ecs.send(new UpdateServiceCommand({ cluster: name, service: 'web', forceNewDeployment: true }));
    const forcedId = forced.service?.deployments?.[0]?.id;
    expect(forcedId).not.toBe(oldId);
    expect((await ecs.send(new DescribeServicesCommand({ cluster: name, services: ['web'] }))).services?.[0]?.deployments?.[0]).toMatchObject({
      id: forcedId,
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
    });
    expect((await waitUntilServicesStable(fastWaiter(ecs), { cluster: name, services: ['web'] })).state).toBe('SUCCESS');
    await expect.poll(rolloutState, { timeout: 15_000 }).toBe('COMPLETED');
    expect((await ecs.send(new DescribeServicesCommand({ cluster: name, services: ['web'] }))).services?.[0]?.deployments?.map((d) => d.id)).toEqual([
      forcedId,
    ]);
    const after = (await ecs.send(new ListTasksCommand({ cluster: name, serviceName: 'web' }))).taskArns ?? [];
    expect(after).toHaveLength(2);
    expect(after.filter((a) => before.has(a))).toEqual([]);

    expect((await ecsError(ecs.send(new DeleteServiceCommand({ cluster: name, service: 'web' })))).name).toBe('InvalidParameterException');
    const deleted = await ecs.send(new DeleteServiceCommand({ cluster: name, service: 'web', force: true }));
    expect(deleted.service?.status).toBe('DRAINING');
    // The same object berth's own API serves.
    expect((await cluster.client.get('Service', { cluster: name, name: 'web' }))?.metadata.deletionTimestamp ?? 'gone').toBeTruthy();
  }, 120_000);
});

describe('service deployments through the ECS API', () => {
  it('stops the deployment in progress through the rollout action (it fails as berth rollout stop makes it), and refuses a finished one', async () => {
    const name = cluster.name;
    // More memory than the instance has: the deployment stays IN_PROGRESS with nothing placed.
    const huge = {
      ...definition('ecsapi-stuck', '600'),
      containerDefinitions: [{ ...definition('ecsapi-stuck', '600').containerDefinitions[0], memory: 4_000_000 }],
    };
    await ecs.send(new RegisterTaskDefinitionCommand(huge));
    const created = await ecs.send(new CreateServiceCommand({ cluster: name, serviceName: 'stuck', taskDefinition: 'ecsapi-stuck', desiredCount: 1 }));
    const stuck = async () => (await ecs.send(new DescribeServicesCommand({ cluster: name, services: ['stuck'] }))).services?.[0]?.deployments?.[0];
    await expect.poll(async () => (await stuck())?.rolloutState, { timeout: 10_000 }).toBe('IN_PROGRESS');
    const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster: name, service: 'stuck' }));
    expect(listed.serviceDeployments).toEqual([
      expect.objectContaining({
        serviceDeploymentArn: expect.stringMatching(new RegExp(`:service-deployment/${name}/stuck/\\d+$`)),
        serviceArn: created.service?.serviceArn,
        status: 'IN_PROGRESS',
        startedAt: expect.any(Date),
      }),
    ]);
    const arn = listed.serviceDeployments?.[0]?.serviceDeploymentArn ?? '';

    expect(await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }))).toMatchObject({ serviceDeploymentArn: arn });
    await expect.poll(async () => (await stuck())?.rolloutState, { timeout: 15_000 }).toBe('FAILED');
    expect((await stuck())?.rolloutStateReason).toContain('StopServiceDeployment');
    expect(await ecsError(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn })))).toMatchObject({ name: 'ConflictException' });
    const described = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    expect(described.serviceDeployments).toEqual([
      expect.objectContaining({
        serviceDeploymentArn: arn,
        status: 'STOPPED',
        statusReason: expect.stringContaining('StopServiceDeployment'),
        finishedAt: expect.any(Date),
      }),
    ]);
    expect(await ecsError(ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn.replace(/[^/]+$/, '42') })))).toMatchObject({
      name: 'ServiceDeploymentNotFoundException',
    });
    await ecs.send(new DeleteServiceCommand({ cluster: name, service: 'stuck', force: true }));
  }, 60_000);
});

describe('lifecycle hooks through the ECS API', () => {
  it('a PAUSE hook holds the deployment until ContinueServiceDeployment, then it completes', async () => {
    const name = cluster.name;
    await ecs.send(new RegisterTaskDefinitionCommand(definition('ecsapi-hook', '600')));
    await ecs.send(new CreateServiceCommand({ cluster: name, serviceName: 'hooked', taskDefinition: 'ecsapi-hook', desiredCount: 1 }));
    const current = async () => (await ecs.send(new DescribeServicesCommand({ cluster: name, services: ['hooked'] }))).services?.[0];
    await expect.poll(async () => (await current())?.deployments?.[0]?.rolloutState, { timeout: 20_000 }).toBe('COMPLETED');

    const second = await ecs.send(new RegisterTaskDefinitionCommand(definition('ecsapi-hook', '601')));
    const hooks = [
      {
        targetType: 'PAUSE' as const,
        lifecycleStages: ['POST_SCALE_UP' as const],
        timeoutConfiguration: { timeoutInMinutes: 600, action: 'ROLLBACK' as const },
      },
    ];
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: name,
        service: 'hooked',
        taskDefinition: second.taskDefinition?.taskDefinitionArn,
        deploymentConfiguration: { strategy: 'BLUE_GREEN', lifecycleHooks: hooks },
      }),
    );
    const arn = updated.service?.currentServiceDeployment ?? '';
    const deployment = async () => (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments?.[0];
    await expect.poll(async () => (await deployment())?.lifecycleHookDetails?.[0]?.status, { timeout: 20_000 }).toBe('AWAITING_ACTION');
    const paused = await deployment();
    expect(paused).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'POST_SCALE_UP' });
    expect(paused?.lifecycleHookDetails?.[0]).toMatchObject({ targetType: 'PAUSE', timeoutAction: 'ROLLBACK', expiresAt: expect.any(Date) });
    const hookId = paused?.lifecycleHookDetails?.[0]?.hookId ?? '';
    expect(await ecsError(ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: `${hookId}-other` })))).toMatchObject({
      name: 'ConflictException',
    });
    // Still held a while later: only the call releases it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await deployment())?.lifecycleHookDetails?.[0]?.status).toBe('AWAITING_ACTION');

    expect(await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId }))).toEqual(
      expect.objectContaining({ serviceDeploymentArn: arn }),
    );
    await expect.poll(async () => (await deployment())?.status, { timeout: 30_000 }).toBe('SUCCESSFUL');
    expect((await current())?.deployments).toEqual([
      expect.objectContaining({ status: 'PRIMARY', rolloutState: 'COMPLETED', taskDefinition: second.taskDefinition?.taskDefinitionArn }),
    ]);
    await ecs.send(new DeleteServiceCommand({ cluster: name, service: 'hooked', force: true }));
  }, 90_000);
});

describe('tasks through the ECS API', () => {
  it('runs, describes, lists and stops tasks, with the tasks-running and tasks-stopped waiters', async () => {
    const name = cluster.name;
    await ecs.send(new RegisterTaskDefinitionCommand(definition('ecsapi-job', '600')));
    const run = await ecs.send(new RunTaskCommand({ cluster: name, taskDefinition: 'ecsapi-job', count: 2, startedBy: 'ecsapi-test', clientToken: 'run-1' }));
    expect(run.failures).toEqual([]);
    const arns = run.tasks?.map((t) => t.taskArn ?? '') ?? [];
    expect(arns).toEqual([expect.stringMatching(new RegExp(`:task/${name}/`)), expect.stringMatching(new RegExp(`:task/${name}/`))]);
    // The same clientToken again: the same tasks, none more.
    const again = await ecs.send(new RunTaskCommand({ cluster: name, taskDefinition: 'ecsapi-job', count: 2, clientToken: 'run-1' }));
    expect(again.tasks?.map((t) => t.taskArn).sort()).toEqual([...arns].sort());

    expect((await waitUntilTasksRunning(fastWaiter(ecs), { cluster: name, tasks: arns })).state).toBe('SUCCESS');
    const described = await ecs.send(new DescribeTasksCommand({ cluster: name, tasks: [...arns, 'ecsapi-no-such-task'] }));
    expect(described.tasks?.[0]).toMatchObject({
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      startedBy: 'ecsapi-test',
      startedAt: expect.any(Date),
      containers: [expect.objectContaining({ name: 'main', lastStatus: 'RUNNING', image: TEST_IMAGE })],
    });
    expect(described.failures).toEqual([{ arn: expect.stringMatching(/:task\/.+\/ecsapi-no-such-task$/), reason: 'MISSING' }]);
    expect((await ecs.send(new ListTasksCommand({ cluster: name, startedBy: 'ecsapi-test' }))).taskArns?.sort()).toEqual([...arns].sort());

    const started = await ecs.send(new StartTaskCommand({ cluster: name, taskDefinition: 'ecsapi-job', containerInstances: [instance] }));
    expect(started.tasks?.[0]?.containerInstanceArn).toMatch(new RegExp(`:container-instance/${name}/${instance}$`));
    const all = [...arns, started.tasks?.[0]?.taskArn ?? ''];

    for (const task of all) await ecs.send(new StopTaskCommand({ cluster: name, task, reason: 'ecsapi test done' }));
    expect((await waitUntilTasksStopped(fastWaiter(ecs), { cluster: name, tasks: all })).state).toBe('SUCCESS');
    const stopped = await ecs.send(new DescribeTasksCommand({ cluster: name, tasks: all }));
    expect(stopped.tasks?.map((t) => t.stoppedReason)).toEqual(all.map(() => 'ecsapi test done'));
    expect((await ecs.send(new ListTasksCommand({ cluster: name, desiredStatus: 'STOPPED' }))).taskArns?.length).toBeGreaterThanOrEqual(3);
    expect((await ecsError(ecs.send(new StopTaskCommand({ cluster: name, task: 'ecsapi-none' })))).name).toBe('InvalidParameterException');
  }, 120_000);
});

describe('container instances through the ECS API', () => {
  it("lists and describes the agent's instance, and drains it and back", async () => {
    const name = cluster.name;
    const listed = await ecs.send(new ListContainerInstancesCommand({ cluster: name }));
    expect(listed.containerInstanceArns).toEqual([expect.stringMatching(new RegExp(`:container-instance/${name}/${instance}$`))]);
    const described = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: name, containerInstances: [...(listed.containerInstanceArns ?? []), 'ecsapi-gone'] }),
    );
    expect(described.containerInstances?.[0]).toMatchObject({
      status: 'ACTIVE',
      agentConnected: true,
      containerInstanceArn: listed.containerInstanceArns?.[0],
    });
    expect(described.failures).toEqual([{ arn: expect.stringMatching(/ecsapi-gone$/), reason: 'MISSING' }]);
    const drained = await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: name, containerInstances: [instance], status: 'DRAINING' }));
    expect(drained.containerInstances?.[0]?.status).toBe('DRAINING');
    expect((await cluster.client.get('ContainerInstance', { cluster: name, name: instance }))?.spec.status).toBe('DRAINING');
    expect((await ecs.send(new ListContainerInstancesCommand({ cluster: name, status: 'ACTIVE' }))).containerInstanceArns).toEqual([]);
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: name, containerInstances: [instance], status: 'ACTIVE' }));
  });
});
