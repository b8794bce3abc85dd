/**
 * The kubectl-style extras (issue #29) through the real binary against a real `berth up`:
 * get -o jsonpath / custom-columns, version, wait, explain, agent token.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, lines, startCliEnv, type CliEnv } from './cli-harness.js';

const C = 'extras';

const manifests = `apiVersion: berth.dev/v1
kind: Cluster
metadata: { name: ${C} }
---
apiVersion: berth.dev/v1
kind: TaskDefinition
metadata: { name: x-web }
spec:
  containerDefinitions:
    - { name: main, image: berth.local/busybox:1, memory: 16, command: ["sleep", "3600"] }
---
apiVersion: berth.dev/v1
kind: Service
metadata: { name: x-web }
spec: { taskDefinition: x-web, desiredCount: 0 }
---
apiVersion: berth.dev/v1
kind: Service
metadata: { name: x-api }
spec: { taskDefinition: x-web, desiredCount: 0 }
`;

let env: CliEnv;
const berth = (...args: string[]) => env.berth(args);

beforeAll(async () => {
  assertFreshBuild([
    'cli/output/jsonpath.ts',
    'cli/output/custom-columns.ts',
    'cli/output/print.ts',
    'cli/commands/actions/version.ts',
    'cli/commands/actions/wait.ts',
    'cli/wait/condition.ts',
    'cli/output/explain.ts',
    'cli/commands/actions/agent-token.ts',
  ]);
  env = await startCliEnv();
  const file = await env.write('set/all.yaml', manifests);
  const r = await env.berth(['apply', '-f', file, '--cluster', C]);
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(async () => {
  await env?.stop();
});

describe('berth get -o jsonpath / custom-columns', () => {
  it('prints a jsonpath template over the list', async () => {
    const r = await berth('get', 'svc', '--cluster', C, '-o', 'jsonpath={.items[*].metadata.name}');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('x-api x-web');
  });
  it('applies the template to the object itself when one is named', async () => {
    const r = await berth('get', 'svc/x-web', '--cluster', C, '-o', 'jsonpath={.kind}/{.metadata.name}:{.spec.desiredCount}{"\\n"}');
    expect(r.stdout).toBe('Service/x-web:0\n');
  });
  it('prints custom columns', async () => {
    const r = await berth('get', 'svc', '--cluster', C, '-o', 'custom-columns=NAME:.metadata.name,TD:.spec.taskDefinition,NOPE:.spec.nope');
    expect(r.stderr).toBe('');
    expect(lines(r.stdout).map((l) => l.split(/\s+/))).toEqual([
      ['NAME', 'TD', 'NOPE'],
      ['x-api', 'x-web', '<none>'],
      ['x-web', 'x-web', '<none>'],
    ]);
  });
  it('rejects an unsupported template with a clear message and exit 1', async () => {
    const r = await berth('get', 'svc', '--cluster', C, '-o', 'jsonpath={range .items[*]}{end}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\{range .items\[\*\]\} is not supported/);
  });
});

describe('berth version', () => {
  it("prints the client's version from package.json and the server's", async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const r = await berth('version');
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual([
      `Client Version: ${version}`,
      expect.stringMatching(new RegExp(`^Server Version: ${version.replace(/\./g, '\\.')} \\(API berth.dev/v1, Node v\\d+`)),
    ]);
  });
  it('still prints the client version when the server cannot be reached, and exits 1', async () => {
    const r = await berth('version', '--server', 'http://127.0.0.1:9', '-o', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ clientVersion: { version: expect.any(String) } });
    expect(r.stderr).toMatch(/^cannot get the server version: /);
  });
});

describe('berth wait', () => {
  it('returns once a service is steady', async () => {
    const r = await berth('wait', '--for=condition=steady', 'service/x-web', '--cluster', C, '--timeout', '15s');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('service/x-web condition met (condition=steady)\n');
  });
  it('exits 1 at the timeout, saying what it saw', async () => {
    const r = await berth('wait', '--for=jsonpath={.spec.desiredCount}=5', 'svc/x-api', '--cluster', C, '--timeout', '1s');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: timed out after 1s waiting for service/x-api to meet --for=jsonpath={.spec.desiredCount}=5 ({.spec.desiredCount} is "0")\n');
  });
  it('follows the watch until the object is deleted', async () => {
    const file = await env.write(
      'del.yaml',
      `apiVersion: berth.dev/v1\nkind: Service\nmetadata: { name: x-del }\nspec: { taskDefinition: x-web, desiredCount: 0 }\n`,
    );
    expect((await berth('apply', '-f', file, '--cluster', C)).code).toBe(0);
    const waiting = berth('wait', '--for=delete', 'service/x-del', '--cluster', C, '--timeout', '15s');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await berth('delete', 'service', 'x-del', '--cluster', C)).code).toBe(0);
    const r = await waiting;
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('service/x-del deleted\n');
  });
  it('rejects an unknown condition before waiting', async () => {
    const r = await berth('wait', '--for=condition=ready', 'service/x-web', '--cluster', C);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown condition "ready"/);
  });
});

describe('berth explain', () => {
  it("prints a field's type and its fields, from the zod schema", async () => {
    const r = await berth('explain', 'service.spec.deploymentConfiguration');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^KIND: {5}Service\nVERSION: {2}berth.dev\/v1\n\nFIELD: deploymentConfiguration <object>\n/);
    expect(r.stdout).toContain(
      'FIELDS:\n  minimumHealthyPercent\t<integer>\n    default 100; 0..100\n  maximumPercent\t<integer>\n    default 200; at least 100\n',
    );
    expect(r.stdout).toContain('  deploymentCircuitBreaker\t<object>');
  });
  it('names the fields that exist when a path is wrong', async () => {
    const r = await berth('explain', 'svc.spec.nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/field "nope" does not exist in Service.spec; its fields are: taskDefinition, desiredCount/);
  });
});

describe('berth agent token', () => {
  it('writes the token to a 0600 file, not stdout; it is an agent token (it may not list task definitions)', async () => {
    const out = join(env.dir, 'i-1.token');
    const r = await berth('agent', 'token', 'i-1', '--cluster', C, '--out', out);
    expect(r.stderr).toBe(`agent token for ${C}/i-1 written to ${out}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const token = (await readFile(out, 'utf8')).trim();
    // The token is this instance's agent: it reads only the definitions of its own tasks, never the list.
    const who = await env.berth(['get', 'taskdefinitions', '--cluster', C], { env: { BERTH_TOKEN: token } });
    expect(who.code).toBe(1);
    expect(who.stderr).toMatch(/forbidden|Forbidden|403/);
  });
  it('prints the token on stdout without --out', async () => {
    const r = await berth('agent', 'token', 'i-2', '--cluster', C);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\S{16,}$/);
  });
});
