/**
 * The read and operate commands as a user runs them — get (every format, aliases, selectors, all
 * clusters, --watch), describe, scale, drain, events, delete, run-task/stop-task, completion — and
 * their errors, through the real binary against a real `berth up`.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../controllers/kit/test-env.js';
import { BERTH_BIN, berthEnv } from './support/berth-process.js';
import { assertFreshBuild, lines, startCliEnv, type CliEnv } from './cli-harness.js';

const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
const C = 'gets';

const manifests = `apiVersion: berth.dev/v1
kind: Cluster
metadata: { name: ${C} }
---
apiVersion: berth.dev/v1
kind: TaskDefinition
metadata: { name: g-web, labels: { app: g } }
spec:
  containerDefinitions:
    - name: main
      image: ${IMAGE}
      memory: 16
      command: ["sleep", "3600"]
      stopTimeout: 2
      linuxParameters: { initProcessEnabled: true }
---
apiVersion: berth.dev/v1
kind: Service
metadata: { name: g-web, labels: { app: g, tier: front } }
spec: { taskDefinition: g-web, desiredCount: 0 }
---
apiVersion: berth.dev/v1
kind: Service
metadata: { name: g-api, labels: { app: g, tier: back } }
spec: { taskDefinition: g-web, desiredCount: 0 }
---
apiVersion: berth.dev/v1
kind: ContainerInstance
metadata: { name: g-ci }
spec:
  attributes: { ecs.availability-zone: zone-a }
  registeredResources: { cpu: 2048, memory: 4096 }
`;

let env: CliEnv;
const berth = (...args: string[]) => env.berth(args);

/** A long-running `berth` (a --watch): its stdout and stderr so far, and its exit code once interrupted. */
function startWatching(...args: string[]) {
  const child = spawn(process.execPath, [BERTH_BIN, ...args], { env: berthEnv(env.config) });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, output: () => out, exited };
}
beforeAll(async () => {
  assertFreshBuild(['cli/commands/actions/get.ts', 'cli/output/columns.ts', 'cli/output/describe.ts', 'cli/commands/actions/events.ts']);
  env = await startCliEnv();
  const file = await env.write('set/all.yaml', manifests);
  const r = await env.berth(['apply', '-f', file, '--cluster', C]);
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(async () => {
  await env?.stop();
});

describe('berth get', () => {
  it.each(['svc', 'service', 'services', 'Service'])('lists services as %s with kubectl columns', async (alias) => {
    const r = await berth('get', alias, '--cluster', C);
    expect(r.stderr).toBe('');
    const [header, ...rows] = lines(r.stdout);
    expect(header?.split(/\s{3,}/)).toEqual(['NAME', 'DESIRED', 'RUNNING', 'PENDING', 'TASK-DEFINITION', 'AGE']);
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['g-api', '0'],
      ['g-web', '0'],
    ]);
  });

  it.each([
    [['td'], ['NAME', 'STATUS', 'CONTAINERS', 'CPU', 'MEMORY', 'AGE'], /^g-web:1\s+ACTIVE\s+1\s+<none>\s+16\s+\d+s$/],
    [['taskdefinitions', '-o', 'wide'], ['NAME', 'STATUS', 'CONTAINERS', 'CPU', 'MEMORY', 'AGE', 'IMAGES'], new RegExp(`^g-web:1 .* ${IMAGE}$`)],
    [
      ['ci'],
      ['NAME', 'STATUS', 'CONNECTED', 'RUNNING', 'CPU-FREE', 'MEM-FREE', 'AZ', 'AGE'],
      /^g-ci\s+ACTIVE\s+false\s+0\s+2048\/2048\s+4096\/4096\s+zone-a\s+\d+s$/,
    ],
    [['instances'], ['NAME', 'STATUS', 'CONNECTED', 'RUNNING', 'CPU-FREE', 'MEM-FREE', 'AZ', 'AGE'], /^g-ci\s/],
    [
      ['svc', '-o', 'wide'],
      ['NAME', 'DESIRED', 'RUNNING', 'PENDING', 'TASK-DEFINITION', 'AGE', 'STRATEGY', 'DEPLOYMENTS'],
      /^g-api\s+0\s+0\s+0\s+g-web(:1)?\s+\d+s\s+REPLICA\s/,
    ],
    [['clusters', 'gets'], ['NAME', 'INSTANCES', 'SERVICES', 'RUNNING', 'AGE'], /^gets\s+\d+\s+\d+\s+\d+\s+\d+s$/],
  ])('get %j', async (args, headers, firstRow) => {
    const r = await berth('get', ...args, '--cluster', C);
    expect(r.stderr).toBe('');
    const [header, row] = lines(r.stdout);
    expect(header?.split(/\s{3,}/)).toEqual(headers);
    expect(row).toMatch(firstRow);
  });

  it('prints -o name, -o json (one object by name, a List otherwise) and -o yaml', async () => {
    expect((await berth('get', 'svc', '-o', 'name', '--cluster', C)).stdout).toBe('service/g-api\nservice/g-web\n');
    const one = JSON.parse((await berth('get', 'svc', 'g-web', '-o', 'json', '--cluster', C)).stdout);
    expect(one).toMatchObject({ kind: 'Service', metadata: { name: 'g-web', cluster: C }, spec: { desiredCount: 0 } });
    const list = JSON.parse((await berth('get', 'td', '-o', 'json', '--cluster', C)).stdout);
    expect(list.kind).toBe('List');
    expect(list.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['g-web:1']);
    const yaml = (await berth('get', 'service/g-api', '-o', 'yaml', '--cluster', C)).stdout;
    expect(yaml).toMatch(/^apiVersion: berth.dev\/v1\nkind: Service\nmetadata:\n {2}name: g-api\n/);
  });

  it('filters with -l and lists a task definition family by its name', async () => {
    expect((await berth('get', 'svc', '-l', 'tier=back', '-o', 'name', '--cluster', C)).stdout).toBe('service/g-api\n');
    expect((await berth('get', 'svc', '-l', 'tier in (front,back),app=g', '-o', 'name', '--cluster', C)).stdout).toBe('service/g-api\nservice/g-web\n');
    expect((await berth('get', 'td', 'g-web', '-o', 'name', '--cluster', C)).stdout).toBe('taskdefinition/g-web:1\n');
  });

  it('lists across clusters with -A, CLUSTER first', async () => {
    await env.berth(['apply', '-f', '-'], {
      input: 'apiVersion: berth.dev/v1\nkind: Service\nmetadata: { name: in-default }\nspec: { taskDefinition: g-web, desiredCount: 0 }\n',
    });
    const r = await berth('get', 'svc', '-A');
    const [header, ...rows] = lines(r.stdout);
    expect(header?.split(/\s{3,}/).slice(0, 2)).toEqual(['CLUSTER', 'NAME']);
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2))).toEqual(
      expect.arrayContaining([
        ['default', 'in-default'],
        [C, 'g-web'],
        [C, 'g-api'],
      ]),
    );
  });

  it('lists live tasks by default, as ECS list-tasks does; --status STOPPED or all for the others', async () => {
    const now = new Date().toISOString();
    // In a cluster without instances: the live one waits PENDING for an instance that never comes.
    await env.server.client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'g-status' }, spec: {} });
    const make = (name: string, status: Record<string, unknown>) =>
      env.server.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'Task',
        metadata: { name, cluster: 'g-status' },
        spec: { taskDefinition: 'g-web:1' },
        status,
      });
    await make('live-task', { lastStatus: 'PENDING', createdAt: now });
    await make('done-task', { lastStatus: 'STOPPED', createdAt: now, stoppedAt: now, stoppedReason: 'test' });
    const names = async (...flags: string[]) => lines((await berth('get', 'tasks', '-o', 'name', '--cluster', 'g-status', ...flags)).stdout);
    expect(await names()).toEqual(['task/live-task']);
    expect(await names('--status', 'RUNNING')).toEqual(['task/live-task']);
    expect(await names('--status', 'STOPPED')).toEqual(['task/done-task']);
    expect((await names('--status', 'all')).sort()).toEqual(['task/done-task', 'task/live-task']);
    const wrong = await berth('get', 'tasks', '--status', 'PENDING', '--cluster', 'g-status');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/--status must be RUNNING, STOPPED or all/);
  });

  it('says so when there is nothing, like kubectl', async () => {
    const r = await berth('get', 'tasks', '--cluster', 'empty-one');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('No resources found in empty-one cluster.\n');
  });

  it('--watch prints the list, then a row for each change, until interrupted', async () => {
    const { child, output, exited } = startWatching('get', 'svc', 'g-web', '--watch', '--cluster', C);
    try {
      await eventually(() => output().includes('g-web'), 10_000, 'the initial list');
      // Give the watch a moment to open; it starts from the list's revision, so nothing is missed anyway.
      await env.server.client.patch('Service', { cluster: C, name: 'g-web' }, { spec: { healthCheckGracePeriodSeconds: 7 } });
      await env.server.client.patch('Service', { cluster: C, name: 'g-api' }, { spec: { healthCheckGracePeriodSeconds: 7 } });
      await env.server.client.patch('Service', { cluster: C, name: 'g-web' }, { spec: { desiredCount: 0, healthCheckGracePeriodSeconds: 8 } });
      await eventually(() => lines(output()).filter((l) => l.startsWith('g-web')).length >= 3, 10_000, 'rows for the changes');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    const rows = lines(output());
    expect(rows[0]?.split(/\s{3,}/)[0]).toBe('NAME');
    // Only the service asked for, and rows aligned to the header.
    expect(rows.slice(1).every((l) => l.startsWith('g-web'))).toBe(true);
    const secondColumnAt = (l: string) => /^\S+\s+/.exec(l)?.[0].length;
    expect(new Set(rows.map(secondColumnAt))).toEqual(new Set([secondColumnAt(rows[0] ?? '')]));
  });
});

describe('berth describe', () => {
  it('describes a service in sections with its deployments and events', async () => {
    await eventually(
      async () => ((await env.server.client.mustGet('Service', { cluster: C, name: 'g-web' })).status?.deployments.length ?? 0) > 0,
      15_000,
      'a deployment',
    );
    const r = await berth('describe', 'svc', 'g-web', '--cluster', C);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Name:\s+g-web\nCluster:\s+gets\nLabels:\s+app=g\n\s+tier=front\n/);
    expect(r.stdout).toMatch(/Task Definition:\s+g-web/);
    expect(r.stdout).toMatch(/Replicas:\s+0 desired \| 0 running \| 0 pending/);
    expect(r.stdout).toMatch(/Deployments:\n {2}ID\s+STATUS\s+TASK-DEFINITION/);
    expect(r.stdout).toMatch(/\nEvents:/);
    expect(r.stdout).not.toContain('last-applied-configuration');
  });

  it('describes a task definition family, an instance and a cluster', async () => {
    const td = await berth('describe', 'td', 'g-web', '--cluster', C);
    expect(td.stdout).toMatch(/Revision:\s+g-web:1/);
    expect(td.stdout).toMatch(/Containers:\n {2}NAME\s+IMAGE\s+CPU\s+MEMORY/);
    expect((await berth('describe', 'ci', 'g-ci', '--cluster', C)).stdout).toMatch(/Attributes:\s+ecs.availability-zone=zone-a/);
    expect((await berth('describe', 'cluster', C)).stdout).toMatch(/^Name:\s+gets\n/);
  });
});

describe('berth scale, drain, events', () => {
  it('scales a service and refuses anything else', async () => {
    expect((await berth('scale', 'service', 'g-api', '--replicas', '0', '--cluster', C)).stdout).toBe('service/g-api scaled\n');
    const wrong = await berth('scale', 'td', 'g-web', '--replicas', '1', '--cluster', C);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/only services can be scaled/);
    const bad = await berth('scale', 'svc', 'g-api', '--replicas', 'many');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/must be a whole number/);
  });

  it('drains an instance and undoes it', async () => {
    expect((await berth('drain', 'g-ci', '--cluster', C)).stdout).toBe('containerinstance/g-ci drained\n');
    expect((await env.server.client.mustGet('ContainerInstance', { cluster: C, name: 'g-ci' })).spec.status).toBe('DRAINING');
    expect((await berth('drain', 'g-ci', '--undo', '--cluster', C)).stdout).toBe('containerinstance/g-ci activated\n');
    expect((await env.server.client.mustGet('ContainerInstance', { cluster: C, name: 'g-ci' })).spec.status).toBe('ACTIVE');
  });

  it('lists service events oldest first, as the services recorded them', async () => {
    const events = async () => (await env.server.client.mustGet('Service', { cluster: C, name: 'g-api' })).status?.events ?? [];
    await eventually(async () => (await events()).length > 0, 15_000, 'service events');
    const r = await berth('events', '--cluster', C, '--for', 'g-api');
    const [header, ...rows] = lines(r.stdout);
    expect(header?.split(/\s{3,}/)).toEqual(['LAST SEEN', 'SERVICE', 'MESSAGE']);
    const recorded = [...(await events())].reverse().map((e) => e.message);
    expect(rows.map((l) => l.split(/\s{3,}/)[2])).toEqual(recorded.slice(0, rows.length));
    expect((await berth('events', '--cluster', 'empty-one')).stderr).toBe('No events found in empty-one cluster.\n');
  });

  it('--watch prints the events recorded after the list, once each, until interrupted', async () => {
    const { child, output, exited } = startWatching('events', '--watch', '--for', 'g-ev', '--cluster', C);
    const recorded = async () =>
      [...((await env.server.client.get('Service', { cluster: C, name: 'g-ev' }))?.status?.events ?? [])].reverse().map((e) => e.message);
    try {
      // No events yet: the header alone, then the watch.
      await eventually(() => output().includes('LAST SEEN'), 10_000, 'the header');
      await env.server.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'Service',
        metadata: { name: 'g-ev', cluster: C },
        spec: { taskDefinition: 'g-web', desiredCount: 0 },
      });
      await eventually(async () => (await recorded()).some((m) => m.includes('steady state')), 15_000, 'g-ev deployed and steady');
      await eventually(async () => lines(output()).length - 1 >= (await recorded()).length, 10_000, 'a row per recorded event');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    const [header, ...rows] = lines(output());
    expect(header?.split(/\s{3,}/)).toEqual(['LAST SEEN', 'SERVICE', 'MESSAGE']);
    // Each event once, in the order the service recorded them (it may record more after the
    // interrupt), and only g-ev's: at least its deployment and its steady state.
    const messages = rows.map((l) => l.split(/\s{3,}/)[2]);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages).toEqual((await recorded()).slice(0, messages.length));
    expect(messages.some((m) => m?.includes('steady state'))).toBe(true);
    expect(rows.every((l) => l.split(/\s{3,}/)[1] === 'g-ev')).toBe(true);
    await env.server.client.delete('Service', { cluster: C, name: 'g-ev' });
  });
});

describe('berth run-task and stop-task', () => {
  // g-ci has no agent: it is shown connected for these tests (the scheduler places only on connected instances).
  const connected = (agentConnected: boolean) =>
    env.server.client.patch(
      'ContainerInstance',
      { cluster: C, name: 'g-ci' },
      { status: { agentConnected, lastHeartbeat: new Date().toISOString() } },
      { subresource: 'status' },
    );
  beforeEach(() => connected(true)); // fresh each time: the instance controller marks it disconnected once the heartbeat is old
  afterAll(() => connected(false));

  it('runs one-off tasks of the newest revision and stops them', async () => {
    const run = await berth('run-task', 'g-web', '--count', '2', '--started-by', 'cli-test', '--cluster', C);
    expect(run.stderr).toBe('');
    const names = lines(run.stdout).map((l) => /^task\/(\S+) created \(g-web:1\)$/.exec(l)?.[1]);
    expect(names).toHaveLength(2);
    const stop = await berth('stop-task', ...names.map(String), '--reason', 'test over', '--cluster', C);
    expect(lines(stop.stdout)).toEqual(names.map((n) => `task/${n} stopping`));
    for (const name of names) {
      const task = await env.server.client.get('Task', { cluster: C, name: String(name) });
      // The task controller may already have collected a stopped task that never ran.
      if (task) expect(task.spec).toMatchObject({ desiredStatus: 'STOPPED', stopReason: 'test over', startedBy: 'cli-test' });
    }
    const missing = await berth('run-task', 'no-such-family', '--cluster', C);
    expect(missing.code).toBe(1);
  });

  it('reports a task no instance can take now and exits 1, creating nothing (ECS failures[])', async () => {
    await env.berth(['apply', '-f', '-', '--cluster', C], {
      input: `apiVersion: berth.dev/v1\nkind: TaskDefinition\nmetadata: { name: g-huge }\nspec:\n  containerDefinitions: [{ name: m, image: ${IMAGE}, memory: 8192 }]\n`,
    });
    const run = await berth('run-task', 'g-huge', '--count', '2', '--cluster', C);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual(
      Array(2).fill(
        expect.stringMatching(/^error: no container instance met all of its requirements: 1 of 1 instance lacked MEMORY \(the task needs 8192 MiB/),
      ),
    );
    expect((await env.server.client.list('Task', { cluster: C })).items.filter((t) => t.spec.taskDefinition.startsWith('g-huge'))).toEqual([]);
  });
});

describe('berth delete', () => {
  it('deletes by kind and name, by KIND/NAME, and by file; --ignore-not-found', async () => {
    const file = await env.write(
      'del/all.yaml',
      'apiVersion: berth.dev/v1\nkind: Service\nmetadata: { name: del-a }\nspec: { taskDefinition: g-web, desiredCount: 0 }\n---\napiVersion: berth.dev/v1\nkind: Service\nmetadata: { name: del-b }\nspec: { taskDefinition: g-web, desiredCount: 0 }\n',
    );
    expect((await env.berth(['apply', '-f', file])).code).toBe(0);
    expect((await berth('delete', 'svc', 'del-a')).stdout).toBe('service "del-a" deleted\n');
    const again = await berth('delete', 'svc', 'del-a', 'del-b');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('Error from server (NotFound): services "del-a" not found\n');
    expect(again.stdout).toBe('service "del-b" deleted\n');
    expect((await berth('delete', '-f', file, '--ignore-not-found')).code).toBe(0);
    await eventually(async () => (await env.server.client.get('Service', { name: 'del-b' })) === undefined, 10_000, 'del-b gone');
  });

  it('deletes every revision of a task definition family once deregistered', async () => {
    await env.berth(['apply', '-f', '-'], {
      input: `apiVersion: berth.dev/v1\nkind: TaskDefinition\nmetadata: { name: del-td }\nspec:\n  containerDefinitions: [{ name: m, image: ${IMAGE}, memory: 8 }]\n`,
    });
    await env.berth(['apply', '-f', '-'], {
      input: `apiVersion: berth.dev/v1\nkind: TaskDefinition\nmetadata: { name: del-td }\nspec:\n  containerDefinitions: [{ name: m, image: ${IMAGE}, memory: 9 }]\n`,
    });
    // As ECS: ACTIVE revisions are refused (a service may still start tasks from them); deregister first.
    const refused = await berth('delete', 'td', 'del-td');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ACTIVE task definition cannot be deleted.*deregister it first: berth deregister taskdefinition del-td:1/);
    expect((await berth('deregister', 'td', 'del-td:1', 'del-td:2')).code).toBe(0);
    expect(lines((await berth('delete', 'td', 'del-td')).stdout)).toEqual(['taskdefinition "del-td:1" deleted', 'taskdefinition "del-td:2" deleted']);
  });
});

describe('errors and the rest', () => {
  it.each([
    [['get', 'pods'], /^error: the server doesn't have a resource type "pods"/],
    [['get', 'svc', 'nope'], /^Error from server \(NotFound\): services "nope" not found\n$/],
    [['describe', 'td', 'nope:3'], /^Error from server \(NotFound\): taskdefinitions "nope:3" not found\n$/],
    [['get', 'svc', '-o', 'xml'], /^error: unable to match a printer suitable for the output format "xml"/],
    [['get', 'svc', '--server', 'http://127.0.0.1:1'], /^error: cannot reach the berth API at http:\/\/127.0.0.1:1: .*is the server running\?\n$/],
    [['get', 'svc', '--token', 'wrong'], /^Error from server \(Unauthorized\)/],
  ])('berth %j fails on stderr with exit 1', async (args, message) => {
    const r = await env.berth(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('prints completion scripts for bash, zsh and fish (test/cli-completion.test.ts runs them), and refuses another shell', async () => {
    expect((await berth('completion', 'bash')).stdout).toContain('complete -o nospace -F _berth_completion berth');
    expect((await berth('completion', 'zsh')).stdout).toMatch(/^#compdef berth\n/);
    expect((await berth('completion', 'fish')).stdout).toContain("complete -c berth -f -a '(__berth_complete)'");
    const tcsh = await berth('completion', 'tcsh');
    expect(tcsh.code).toBe(1);
    expect(tcsh.stderr).toBe('error: unsupported shell "tcsh": expected bash, zsh or fish\n');
  });
});
