/**
 * A container's restartPolicy on the real engine, with ECS's semantics: an exited container that
 * ran for restartAttemptPeriod is started again in place (same container, same task); one that
 * exits earlier, or with an ignored exit code, is not, and an essential one then ends the task.
 *
 * restartAttemptPeriod is at least 60 s; rather than wait that out, the agent's clock runs ahead
 * of the engine's by `skew` (the period is measured from Docker's start time to the agent's now).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realClock, type Clock } from '../controllers/kit/clock.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, sh, startAgentEnv, type AgentEnv } from './agent-harness.js';

let h: AgentEnv;
let skewMs = 0;
const aheadClock: Clock = {
  now: () => realClock.now() + skewMs,
  after: (ms, fn) => realClock.after(ms, fn),
  sleep: (ms, signal) => realClock.sleep(ms, signal),
};

beforeAll(async () => {
  h = await startAgentEnv('tdr-restart');
  await h.startAgent({ clock: aheadClock });
});
afterAll(async () => h?.cleanup());

/** Exits 3 a moment after its first start; started again (same file system: in place), it stays up. */
const FLAKY = 'if [ -f /tmp/ran-before ]; then echo restarted in place; exec sleep 300; fi; touch /tmp/ran-before; sleep 1; exit 3';
const flaky = (restartPolicy: Record<string, unknown>) => [container('app', { ...sh(FLAKY), restartPolicy })];

describe('container restartPolicy', () => {
  it('does not restart a container that exits before restartAttemptPeriod: the essential container ends the task', async () => {
    skewMs = 0;
    const td = await h.taskDefinition('early', flaky({ enabled: true, restartAttemptPeriod: 60 }));
    await h.runTask('early-1', td);
    const t = await h.waitForTask('early-1', (x) => x.status?.lastStatus === 'STOPPED', 15_000);
    expect(t.status).toMatchObject({ stopCode: 'EssentialContainerExited' });
    expect(t.status?.containers[0]).toMatchObject({ exitCode: 3 });
    expect(t.status?.containers[0]?.restartCount).toBeUndefined();
  });

  it('restarts a container that ran restartAttemptPeriod in place: same container, same task, restartCount 1', async () => {
    skewMs = 120_000;
    const td = await h.taskDefinition('flaky', flaky({ enabled: true, restartAttemptPeriod: 60 }));
    await h.runTask('flaky-1', td);
    const first = await h.waitForTask('flaky-1', (x) => x.status?.lastStatus === 'RUNNING', 15_000);
    const dockerId = first.status?.containers[0]?.dockerId;
    const restarted = await h.waitForTask('flaky-1', (x) => x.status?.containers[0]?.restartCount === 1, 15_000, 'one restart reported');
    expect(restarted.status?.lastStatus).toBe('RUNNING');
    expect(restarted.status?.containers[0]?.dockerId).toBe(dockerId);
    // The status is written first, then the container started again.
    const c = await eventually(async () => (await h.containers({ 'berth.task': 'flaky-1' })).find((x) => x.state === 'running'), 5_000, 'running again');
    expect(c.id).toBe(dockerId);
    // Its first run's marker file is still there: the same container, not a new one.
    await eventually(
      async () => {
        let out = '';
        for await (const chunk of await h.runtime.logs(dockerId ?? '')) out += String(chunk);
        return out.includes('restarted in place');
      },
      5_000,
      'the second run found the first run’s file',
    );
  });

  it('does not restart on an ignored exit code', async () => {
    skewMs = 120_000;
    const td = await h.taskDefinition('ignored', flaky({ enabled: true, restartAttemptPeriod: 60, ignoredExitCodes: [0, 3] }));
    await h.runTask('ignored-1', td);
    const t = await h.waitForTask('ignored-1', (x) => x.status?.lastStatus === 'STOPPED', 15_000);
    expect(t.status).toMatchObject({ stopCode: 'EssentialContainerExited' });
    expect(t.status?.containers[0]?.restartCount).toBeUndefined();
  });
});
