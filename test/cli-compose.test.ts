/**
 * Compose import as a user runs it: each example under test/fixtures/compose is a well-known public
 * compose file (its source is named at its top) converted and applied by the real binary against a
 * real `berth up`, and its services reach their desired running count on the real Docker engine.
 * No registry is reachable and the engine is shared, so the harness (this file, nothing else) swaps
 * every image for the local test image, every command for a sleep (a `true` for a one-shot service
 * others wait on), fixed host ports for ephemeral ones and health checks for a quick `true`;
 * everything else is the example as written.
 */
import { spawnSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../controllers/kit/test-env.js';
import { assertFreshBuild, startCliEnv, type CliEnv } from './cli-harness.js';

const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
/** The examples' named volumes, as docker compose names them: `<project>_<volume>`. */
const PROJECT_VOLUMES = ['cmpweb_db_data', 'cmpvote_db-data'];

let env: CliEnv;
beforeAll(async () => {
  assertFreshBuild([
    'cli/commands/actions/apply.ts',
    'cli/commands/actions/compose.ts',
    'cli/compose/load.ts',
    'cli/compose/map-service.ts',
    'cli/compose/convert.ts',
    'cli/compose/casts.ts',
    'cli/compose/configs.ts',
    'cli/compose/env-file.ts',
  ]);
  env = await startCliEnv();
  // The voting app bind-mounts its source; the default (restricted) task policy refuses host paths,
  // as it should in a shared cluster, so this test's own cluster allows them as an admin would.
  await env.server.client.mutate('Cluster', { name: 'default' }, (c) => {
    c.spec.taskPolicy = { level: 'restricted', allow: ['hostPaths'] };
  });
});
afterAll(async () => {
  await env?.stop();
  // The examples' named volumes are shared Docker volumes: they outlive their tasks by design.
  spawnSync('docker', ['volume', 'rm', ...PROJECT_VOLUMES], { stdio: 'ignore' });
});

/** Copies an example and swaps what cannot run here; returns the compose file's path. */
async function runnable(example: string, file: string, project: string): Promise<string> {
  const dir = join(env.dir, project);
  await cp(join('test/fixtures/compose', example), dir, { recursive: true });
  const path = join(dir, file);
  const doc = parseDocument(await readFile(path, 'utf8'));
  doc.set('name', project);
  const services = doc.toJS() as { services: Record<string, { depends_on?: unknown }> };
  const oneShot = new Set(
    Object.values(services.services).flatMap((s) =>
      s.depends_on && !Array.isArray(s.depends_on)
        ? Object.entries(s.depends_on as Record<string, { condition: string }>)
            .filter(([, d]) => d.condition === 'service_completed_successfully')
            .map(([n]) => n)
        : [],
    ),
  );
  for (const name of Object.keys(services.services)) {
    doc.setIn(['services', name, 'image'], IMAGE);
    doc.deleteIn(['services', name, 'entrypoint']);
    doc.setIn(['services', name, 'command'], oneShot.has(name) ? ['true'] : ['sleep', '3600']);
    doc.setIn(['services', name, 'init'], true);
    doc.setIn(['services', name, 'stop_grace_period'], '2s');
    if (doc.hasIn(['services', name, 'healthcheck']))
      for (const [key, value] of [
        ['test', ['CMD', 'true']],
        ['interval', '1s'],
        ['start_period', '0s'],
      ] as const)
        doc.setIn(['services', name, 'healthcheck', key], value);
    const ports = doc.getIn(['services', name, 'ports']);
    if (isSeq(ports))
      // Only the container port is kept: a fixed host port would collide with whatever else runs on the engine.
      doc.setIn(
        ['services', name, 'ports'],
        ports.items.map((p: unknown) =>
          isMap(p)
            ? { target: p.get('target') }
            : String(isScalar(p) ? p.value : p)
                .split(':')
                .pop(),
        ),
      );
  }
  await writeFile(path, doc.toString());
  return path;
}

async function running(names: string[]): Promise<void> {
  await eventually(
    async () => {
      for (const name of names) {
        const s = await env.server.client.mustGet('Service', { name });
        if (s.status?.runningCount !== s.spec.desiredCount) return false;
      }
      return true;
    },
    30_000,
    `services ${names.join(', ')} running`,
  );
}

describe('berth apply -f compose file', () => {
  it.each([
    [
      'wordpress-mysql',
      'compose.yaml',
      [
        ['cmpweb-db', 1],
        ['cmpweb-wordpress', 1],
        ['cmpweb-phpmyadmin', 1],
      ],
    ],
    [
      'voting-app',
      'docker-compose.yml',
      [
        ['cmpvote-votes', 1],
        ['cmpvote-result', 1],
        ['cmpvote-worker', 1],
        ['cmpvote-redis', 1],
        ['cmpvote-db', 1],
      ],
    ],
    [
      'startup-order',
      'compose.yml',
      [
        ['cmphealth-web', 1],
        ['cmphealth-redis', 1],
        ['cmphealth-db', 1],
      ],
    ],
  ] as const)('%s: a task definition and a service per compose service, all running', async (example, file, expected) => {
    const project = expected[0][0].split('-')[0] ?? example;
    const path = await runnable(example, file, project);
    const convert = await env.berth(['compose', 'convert', path]);
    expect(convert.code, convert.stderr).toBe(0);
    const applied = await env.berth(['apply', '-f', path]);
    expect(applied.code, applied.stderr).toBe(0);
    for (const [name] of expected) expect(applied.stdout).toContain(`service/${name} created`);
    for (const [name, count] of expected) expect((await env.server.client.mustGet('Service', { name })).spec.desiredCount).toBe(count);
    if (example !== 'voting-app') expect(applied.stderr).toContain('ordering across services is not kept');
    await running(expected.map(([n]) => n));
    // Named volumes carry the project's name, as docker compose's do.
    for (const volume of PROJECT_VOLUMES.filter((v) => v.startsWith(`${project}_`)))
      expect(spawnSync('docker', ['volume', 'inspect', volume]).status, `volume ${volume}`).toBe(0);
  });

  it('--single-task: one task whose containers keep depends_on, and it runs', async () => {
    const path = await runnable('startup-order', 'compose.yml', 'cmpone');
    const applied = await env.berth(['apply', '--single-task', '-f', path]);
    expect(applied.code, applied.stderr).toBe(0);
    const td = await env.server.client.mustGet('TaskDefinition', { name: 'cmpone:1' });
    expect(td.spec.containerDefinitions.find((c) => c.name === 'web')?.dependsOn).toEqual([
      { containerName: 'db', condition: 'HEALTHY' },
      { containerName: 'redis', condition: 'START' },
    ]);
    await running(['cmpone']);
  });

  it('${VAR} numbers, long-form env_file and a file config: converted and checked from inside the running container', async () => {
    await env.write('cmpvars/app.env', 'GREETING=hello\n');
    await env.write('cmpvars/app.conf', 'configured\n');
    // The container exits (and its task stops) unless it sees the config file and the env_file's variable.
    const check = 'grep -qx configured /etc/app.conf && [ "$GREETING" = hello ] && exec sleep 3600';
    const path = await env.write(
      'cmpvars/compose.yaml',
      `name: cmpvars\nservices:\n  app:\n    image: ${IMAGE}\n    command: ["sh", "-c", ${JSON.stringify(check.replace(/\$/g, '$$$$'))}]\n    init: true\n    stop_grace_period: 2s\n` +
        `    env_file:\n      - path: app.env\n      - path: absent.env\n        required: false\n` +
        `    configs:\n      - source: app\n        target: /etc/app.conf\n    deploy:\n      replicas: \${N}\n      resources:\n        limits:\n          memory: \${MEM}\n` +
        `configs:\n  app:\n    file: ./app.conf\n`,
    );
    const applied = await env.berth(['apply', '-f', path], { env: { N: '2', MEM: '32m' } });
    expect(applied.code, applied.stderr).toBe(0);
    const svc = await env.server.client.mustGet('Service', { name: 'cmpvars-app' });
    expect(svc.spec.desiredCount).toBe(2);
    await running(['cmpvars-app']);
    // Still running a moment later, and no task of it stopped: the check inside the container held.
    await new Promise((r) => setTimeout(r, 2_000));
    const tasks = (await env.server.client.list('Task')).items.filter((t) => t.metadata.labels?.['berth.dev/service'] === 'cmpvars-app');
    expect(tasks.map((t) => t.status?.lastStatus)).toEqual(['RUNNING', 'RUNNING']);
  });

  it('--strict refuses what cannot be mapped, naming file:line and key', async () => {
    const path = await env.write('strict/compose.yaml', `services:\n  web:\n    image: ${IMAGE}\n    build: .\n`);
    const r = await env.berth(['apply', '--strict', '-f', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path}:4:12: services.web.build:`);
  });
});
