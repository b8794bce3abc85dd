/**
 * When a task is RUNNING, on the real engine. ECS's agent derives a task's status from its least
 * advanced container: the task is RUNNING only once every container — non-essential ones too — has
 * started (a container that started and exited counts). A non-essential container still waiting
 * for its dependency keeps the task PENDING. And ECS keeps a non-essential container that exited
 * until the task stops: `docker inspect` of it works while the task runs.
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { container, sh, startAgentEnv, type AgentEnv } from './agent-harness.js';

const docker = new Docker();
let h: AgentEnv;

beforeAll(async () => {
  h = await startAgentEnv('ag-running');
  await h.startAgent();
});
afterAll(async () => h?.cleanup());

describe('a task is RUNNING once every container has started', () => {
  it('a non-essential container waiting for its dependency keeps the task PENDING; one that exited stays on the engine', async () => {
    // web turns healthy about 2 s after its start; `side` waits for that (and takes web's volumes),
    // `once` exits at once.
    const td = await h.taskDefinition('running-all', [
      container('web', {
        ...sh('sleep 2; touch /tmp/ready; exec sleep 300'),
        healthCheck: { command: ['CMD-SHELL', 'test -f /tmp/ready'], interval: 1, timeout: 1, retries: 3 },
      }),
      container('side', {
        essential: false,
        command: ['sleep', '300'],
        volumesFrom: [{ sourceContainer: 'web' }],
        dependsOn: [{ containerName: 'web', condition: 'HEALTHY' }],
      }),
      container('once', { essential: false, ...sh('echo once') }),
    ]);
    await h.runTask('running-all-1', td);
    const running = await h.waitForTask('running-all-1', (t) => t.status?.lastStatus === 'RUNNING', 20_000);
    const reported = Object.fromEntries((running.status?.containers ?? []).map((c) => [c.name, c.lastStatus]));
    expect(reported).toEqual({ web: 'RUNNING', side: 'RUNNING', once: expect.stringMatching(/^(RUNNING|STOPPED)$/) });
    const onEngine = await h.containers({ [DOCKER_LABELS.task]: 'running-all-1' });
    expect(onEngine.map((c) => c.labels[DOCKER_LABELS.container]).sort()).toEqual(['once', 'side', 'web']);

    // The exited non-essential container is kept while the task runs (past a steady-state look).
    const stopped = await h.waitForTask('running-all-1', (t) => t.status?.containers.find((c) => c.name === 'once')?.lastStatus === 'STOPPED', 10_000);
    await new Promise((r) => setTimeout(r, 2_500));
    const once = stopped.status?.containers.find((c) => c.name === 'once');
    expect(once).toMatchObject({ exitCode: 0 });
    const info = await docker.getContainer(once?.dockerId ?? '').inspect();
    expect(info.State.Status).toBe('exited');
    expect(info.State.ExitCode).toBe(0);
    expect((await h.getTask('running-all-1'))?.status?.lastStatus).toBe('RUNNING');
  });
});
