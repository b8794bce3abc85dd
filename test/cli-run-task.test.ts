/**
 * `berth run-task --overrides FILE --env K=V --count N --wait` (issue #29) through the real binary
 * against a real `berth up` (its default cluster) whose agent runs the tasks on the real Docker engine. The container's
 * exit code is its $CODE, so an exit code proves which environment reached it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, lines, startCliEnv, type CliEnv } from './cli-harness.js';

const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';

const manifests = `apiVersion: berth.dev/v1
kind: TaskDefinition
metadata: { name: rt-job }
spec:
  containerDefinitions:
    - name: main
      image: ${IMAGE}
      memory: 16
      stopTimeout: 2
      command: ["sh", "-c", "exit $CODE"]
      environment: [{ name: CODE, value: "0" }]
---
apiVersion: berth.dev/v1
kind: TaskDefinition
metadata: { name: rt-pair }
spec:
  containerDefinitions:
    - { name: main, image: ${IMAGE}, memory: 16, stopTimeout: 2, command: ["sh", "-c", "exit $CODE"], environment: [{ name: CODE, value: "0" }] }
    - { name: side, image: ${IMAGE}, memory: 16, stopTimeout: 2, essential: false, command: ["sleep", "600"] }
`;

let env: CliEnv;
// run-task --wait lasts as long as the tasks: a loaded machine takes a while to start and stop two containers.
const berth = (...args: string[]) => env.berth(args, { timeoutMs: 60_000 });
const stoppedLines = (stdout: string) => lines(stdout).filter((l) => l.includes(' STOPPED'));

beforeAll(async () => {
  assertFreshBuild([
    'cli/commands/run-task.ts',
    'cli/commands/actions/run-task.ts',
    'cli/run-task/overrides.ts',
    'cli/run-task/outcome.ts',
    'cli/wait/watch-until.ts',
  ]);
  env = await startCliEnv();
  const file = await env.write('set/all.yaml', manifests);
  const r = await env.berth(['apply', '-f', file]);
  if (r.code !== 0) throw new Error(r.stderr);
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

describe('berth run-task --wait', () => {
  it("exits with the essential container's exit code, which --env set", async () => {
    const r = await berth('run-task', 'rt-job', '--env', 'CODE=3', '--wait');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(stoppedLines(r.stdout)).toEqual([expect.stringMatching(/^task\/rt-job-\S+ STOPPED \(EssentialContainerExited.*\): main exited 3$/)]);
  });

  it('exits 0 when every task of --count ends well', async () => {
    const r = await berth('run-task', 'rt-job', '--count', '2', '--wait');
    expect(r.code).toBe(0);
    expect(lines(r.stdout).filter((l) => l.endsWith(' created (rt-job:1)'))).toHaveLength(2);
    expect(stoppedLines(r.stdout)).toHaveLength(2);
  });

  it('gives up after --timeout, naming the tasks still running', async () => {
    const r = await berth(
      'run-task',
      'rt-job',
      '--env',
      'CODE=0',
      '--overrides',
      await env.write('sleep.json', JSON.stringify({ containerOverrides: [{ name: 'main', command: ['sleep', '600'] }] })),
      '--wait',
      '--timeout',
      '1s',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopped waiting before 1 of 1 tasks stopped \(task\/rt-job-\S+ (PENDING|RUNNING|PROVISIONING)\)/);
  });
});

describe('berth run-task --overrides', () => {
  it("sends the file's overrides, wrapped or not, with --env winning over it", async () => {
    const file = await env.write(
      'o.json',
      JSON.stringify({ overrides: { containerOverrides: [{ name: 'main', environment: [{ name: 'CODE', value: '4' }] }] } }),
    );
    const fromFile = await berth('run-task', 'rt-job', '--overrides', `file://${file}`, '--wait');
    expect(fromFile.code).toBe(4);
    const flagWins = await berth('run-task', 'rt-job', '--overrides', file, '--env', 'CODE=5', '--wait');
    expect(flagWins.code).toBe(5);
  });

  it("needs --container for --env when the definition has several, and ignores a non-essential one's code", async () => {
    const ambiguous = await berth('run-task', 'rt-pair', '--env', 'CODE=1');
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/2 containers \(main, side\); name the one to set with --container NAME/);
    const r = await berth('run-task', 'rt-pair', '-c', 'main', '--env', 'CODE=0', '--wait');
    expect(r.code).toBe(0);
    expect(stoppedLines(r.stdout)).toEqual([expect.stringMatching(/main exited 0, side exited \d+$/)]);
  });

  it('rejects a bad file naming the file and field, and creates no task', async () => {
    const before = await berth('get', 'tasks', '--status', 'all', '-o', 'name');
    const file = await env.write('bad.json', JSON.stringify({ containerOverrides: [{ name: 'main', comand: ['x'] }] }));
    const r = await berth('run-task', 'rt-job', '--overrides', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--overrides ${file} is not an ECS task override`);
    expect(r.stderr).toContain('containerOverrides[0].comand: unknown field "comand"');
    const after = await berth('get', 'tasks', '--status', 'all', '-o', 'name');
    expect(lines(after.stdout)).toEqual(lines(before.stdout));
  });
});

describe('berth get tasks --field-selector / --sort-by over the tasks run above', () => {
  it('selects stopped tasks by field (the default live-only filter steps aside) and sorts them', async () => {
    const stopped = await berth(
      'get',
      'tasks',
      '--field-selector',
      'lastStatus=STOPPED,taskDefinition=rt-job:1',
      '--sort-by',
      '{.status.stoppedAt}',
      '-o',
      'jsonpath={.items[*].status.stoppedAt}',
    );
    expect(stopped.stderr).toBe('');
    const times = stopped.stdout.split(' ');
    expect(times.length).toBeGreaterThanOrEqual(5);
    expect([...times].sort()).toEqual(times);
    const pair = await berth('get', 'tasks', '--status', 'all', '--field-selector', 'taskDefinition!=rt-job:1', '-o', 'name');
    expect(lines(pair.stdout)).toHaveLength(1);
    expect(lines(pair.stdout)[0]).toMatch(/^task\/rt-pair-/);
    const bad = await berth('get', 'tasks', '--field-selector', 'colour=red');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"colour" is not a field of Task; use instance, service, lastStatus, taskDefinition/);
  });
});
