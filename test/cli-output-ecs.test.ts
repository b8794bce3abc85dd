/**
 * `berth get … -o ecs` as an ECS user's script runs it: the real binary against a real `berth up`,
 * the output shaped as the ECS describe calls print it, ARNs under one stable account id of the
 * installation and the region from the environment (us-east-1 when none).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, startCliEnv, type CliEnv } from './cli-harness.js';

const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';

let env: CliEnv;
beforeAll(async () => {
  assertFreshBuild([
    'cli/commands/actions/get.ts',
    'cli/output/ecs/index.ts',
    'api/server/ecs/elements/task-definition.ts',
    'api/server/ecs/elements/service.ts',
  ]);
  env = await startCliEnv();
  const file = await env.write(
    'ecs/web.json',
    JSON.stringify({
      family: 'tdaweb',
      cpu: '.25 vcpu',
      memory: '.5 gb',
      containerDefinitions: [{ name: 'app', image: IMAGE, memory: 16, command: ['sleep', '3600'] }],
    }),
  );
  const svc = await env.write(
    'ecs/svc.yaml',
    'apiVersion: berth.dev/v1\nkind: Service\nmetadata: { name: tdaweb }\nspec: { taskDefinition: tdaweb, desiredCount: 0 }\n',
  );
  const applied = await env.berth(['apply', '-f', file, '-f', svc]);
  expect(applied.code, applied.stderr).toBe(0);
});
afterAll(async () => {
  await env?.stop();
});

describe('berth get -o ecs', () => {
  it('prints a task definition as describe-task-definition does, with a stable account id and the region from the environment', async () => {
    const first = await env.berth(['get', 'taskdefinition', 'tdaweb:1', '-o', 'ecs']);
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout) as { taskDefinition: Record<string, unknown>; tags: unknown[] };
    expect(out.taskDefinition).toMatchObject({ family: 'tdaweb', revision: 1, cpu: '256', memory: '512', status: 'ACTIVE' });
    const arn = String(out.taskDefinition.taskDefinitionArn);
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:task-definition\/tdaweb:1$/);
    const again = JSON.parse((await env.berth(['get', 'taskdefinition', 'tdaweb:1', '-o', 'ecs'])).stdout) as typeof out;
    expect(again.taskDefinition.taskDefinitionArn).toBe(arn);
    const inRegion = JSON.parse(
      (await env.berth(['get', 'taskdefinition', 'tdaweb:1', '-o', 'ecs'], { env: { AWS_REGION: 'eu-west-1' } })).stdout,
    ) as typeof out;
    expect(inRegion.taskDefinition.taskDefinitionArn).toBe(arn.replace(':us-east-1:', ':eu-west-1:'));
  });

  it('prints services as describe-services does', async () => {
    const r = await env.berth(['get', 'services', '-o', 'ecs']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { services: Record<string, unknown>[]; failures: unknown[] };
    expect(out.failures).toEqual([]);
    expect(out.services.find((s) => s.serviceName === 'tdaweb')).toMatchObject({
      serviceArn: expect.stringMatching(/^arn:aws:ecs:us-east-1:\d{12}:service\/default\/tdaweb$/),
      desiredCount: 0,
      status: 'ACTIVE',
    });
  });

  it('says which kinds it prints for one it cannot', async () => {
    const r = await env.berth(['get', 'clusters', '-o', 'ecs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('-o ecs prints TaskDefinition, Task, Service, ContainerInstance');
  });
});
