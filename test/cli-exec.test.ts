/**
 * `berth exec` and `berth port-forward` through the built binary against a real `berth up` and its
 * agent on the real engine: a command's output and exit code (zero and not), stdin, refusal of a
 * view-only token, the event recorded on the task, and an HTTP page fetched from busybox httpd
 * through a forwarded port.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../controllers/kit/test-env.js';
import { assertFreshBuild, startCliEnv, type CliEnv } from './cli-harness.js';
import { BERTH_BIN, berthEnv } from './support/berth-process.js';

assertFreshBuild([
  'cli/commands/actions/exec.ts',
  'cli/commands/actions/port-forward.ts',
  'api/server/task-stream-routes.ts',
  'controllers/agent/stream-server.ts',
]);

const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
const TASK = 'clictx-web';

describe('berth exec and port-forward', () => {
  let env: CliEnv;

  beforeAll(async () => {
    env = await startCliEnv();
    const { client } = env.server;
    await client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'clictx-httpd' },
      spec: {
        containerDefinitions: [
          {
            name: 'app',
            image: IMAGE,
            memory: 64,
            essential: true,
            stopTimeout: 2,
            command: ['sh', '-c', 'mkdir -p /www && echo hello-through-berth > /www/index.html && exec httpd -f -p 8080 -h /www'],
          },
        ],
      },
    });
    await client.create({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name: TASK }, spec: { taskDefinition: 'clictx-httpd:1' } });
    await eventually(async () => (await client.mustGet('Task', { name: TASK })).status?.lastStatus === 'RUNNING', 30_000, 'the task runs');
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it("runs a command in the task's container and exits with its exit code", async () => {
    const ok = await env.berth(['exec', TASK, '--', 'sh', '-c', 'echo out; echo err >&2']);
    expect(ok).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    const failed = await env.berth(['exec', `task/${TASK}`, '-c', 'app', '--', 'sh', '-c', 'exit 3']);
    expect(failed).toMatchObject({ code: 3, stdout: '' });
    const piped = await env.berth(['exec', '-i', TASK, '--', 'wc', '-c'], { input: 'twelve bytes' });
    expect(piped).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\s*12\n$/) });
  });

  it('records each session as an event on the task (who, which container, the command)', async () => {
    const task = await env.server.client.mustGet('Task', { name: TASK });
    const messages = (task.status?.events ?? []).map((e) => e.message);
    expect(messages).toContain("admin started exec in container app: sh -c 'exit 3'");
    expect(messages).toContain('admin started exec in container app: wc -c');
    const described = await env.berth(['describe', 'task', TASK]);
    expect(described.stdout).toMatch(/Events:[\s\S]*admin started exec in container app: wc -c/);
  });

  it('refuses a view-only token, and says what role is needed', async () => {
    const created = await env.berth(['token', 'create', '--name', 'clictx-viewer', '--role', 'view', '--cluster', 'default']);
    expect(created.code).toBe(0);
    const viewer = created.stdout.trim();
    const refused = await env.berth(['exec', TASK, '--', 'true'], { env: { BERTH_TOKEN: viewer } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/clictx-viewer may not run commands in tasks in cluster default; it needs the edit role there/);
    // Nor did anything run: no event of it.
    const task = await env.server.client.mustGet('Task', { name: TASK });
    expect((task.status?.events ?? []).map((e) => e.message)).not.toContain('clictx-viewer started exec in container app: true');
  });

  it("fetches an HTTP page from the container's port through a forwarded local port", async () => {
    const child = spawn(process.execPath, [BERTH_BIN, 'port-forward', TASK, '0:8080'], {
      env: berthEnv(env.config),
      cwd: env.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const port = await eventually(async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(out)?.[1], 20_000, `port-forward listening (${out})`);
      for (let i = 0; i < 2; i++) {
        const page = await fetch(`http://127.0.0.1:${port}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toBe('hello-through-berth\n');
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(child.exitCode).toBe(0);
  });
});
