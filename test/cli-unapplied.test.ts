/**
 * Nothing silently ignored, as a user sees it: `berth validate` and `berth apply` (the real binary
 * against a real `berth up`) warn about each ECS field berth accepts but does not apply, with
 * file:line, and `--strict` makes those warnings errors and applies nothing.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from './fixtures/ecs-task-definitions/corpus.js';
import { assertFreshBuild, startCliEnv, type CliEnv } from './cli-harness.js';

// A task definition as the deploy action users commit it: roles, awslogs, a Service Connect port name.
const ecsTaskDefinition = (family: string) => `{
  "family": "${family}",
  "taskRoleArn": "arn:aws:iam::123456789012:role/app",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "networkMode": "bridge",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "${process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1'}",
      "memory": 16,
      "portMappings": [{ "containerPort": 8080, "name": "app-8080-tcp" }],
      "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group": "/ecs/app" } }
    }
  ]
}
`;

const EXPECTED_WARNINGS = (file: string) => [
  `warning: ${file}:3:18: taskRoleArn: taskRoleArn is accepted but not applied: no IAM: containers get no role credentials`,
  `warning: ${file}:4:23: executionRoleArn: executionRoleArn is accepted but not applied: no IAM: the agent pulls images and resolves secrets with its own access`,
  `warning: ${file}:11:57: containerDefinitions[0].portMappings[0].name: portMappings.name is accepted but not applied: Service Connect: no service mesh; the port is published as usual`,
  `warning: ${file}:12:42: containerDefinitions[0].logConfiguration.logDriver: log driver "awslogs" needs CloudWatch Logs: container "app" runs on the instance's local driver, options kept`,
];

let env: CliEnv;
beforeAll(async () => {
  assertFreshBuild([
    'cli/commands/actions/apply.ts',
    'cli/commands/actions/validate.ts',
    'cli/commands/actions/load.ts',
    'api/usecases/manifests/load.ts',
    'api/v1/unapplied-fields.ts',
  ]);
  env = await startCliEnv();
});
afterAll(async () => {
  await env?.stop();
});

describe('fields berth accepts but does not apply', () => {
  it('validate warns about each, with file:line:column, and still exits 0', async () => {
    const file = await env.write('validate/td.json', ecsTaskDefinition('tdawarn'));
    const r = await env.berth(['validate', '-f', file]);
    expect(r.stderr.trim().split('\n')).toEqual(EXPECTED_WARNINGS(file));
    expect(r.stdout).toContain('TaskDefinition/tdawarn');
    expect(r.code).toBe(0);
  });

  it('validate --strict reports them as errors and exits 1', async () => {
    const file = await env.write('strict/td.json', ecsTaskDefinition('tdastrict'));
    const r = await env.berth(['validate', '--strict', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:3:18: taskRoleArn: taskRoleArn is accepted but not applied`);
    expect(r.stderr).not.toContain('warning:');
    expect(r.stderr).toContain('4 errors found (4 of them accepted-but-not-applied fields, errors with --strict)');
  });

  it('apply warns and registers the revision; apply --strict registers nothing', async () => {
    const strictFile = await env.write('apply-strict/td.json', ecsTaskDefinition('tdaapplystrict'));
    const strict = await env.berth(['apply', '--strict', '-f', strictFile]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('nothing was applied');
    const none = await env.berth(['get', 'taskdefinitions', '-o', 'name']);
    expect(none.stdout).not.toContain('tdaapplystrict');

    const file = await env.write('apply/td.json', ecsTaskDefinition('tdaapply'));
    const r = await env.berth(['apply', '-f', file]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual(EXPECTED_WARNINGS(file));
    expect(r.stdout).toContain('tdaapply');
    const got = await env.berth(['get', 'taskdefinition', 'tdaapply:1', '-o', 'json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ spec: { family: 'tdaapply', taskRoleArn: 'arn:aws:iam::123456789012:role/app' } });
  });

  it('a console export (nulls, empty lists, read-only fields) applied twice registers one revision', async () => {
    const text = readFileSync(corpusPath('describe-bare-nulls-requires-attributes.json'), 'utf8').replace('"gha-def"', '"tdaexport"');
    const file = await env.write('export/td.json', text);
    const first = await env.berth(['apply', '-f', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('created');
    const second = await env.berth(['apply', '-f', file]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('unchanged');
    const listed = await env.berth(['get', 'taskdefinitions', '-o', 'name']);
    expect(listed.stdout.split('\n').filter((l) => l.includes('tdaexport'))).toEqual(['taskdefinition/tdaexport:1']);
  });
});
