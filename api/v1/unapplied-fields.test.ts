import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateObject } from './index.js';
import { LOCALLY_RUN_LOG_DRIVERS, UNAPPLIED_FIELDS, unappliedUses, type UnappliedField } from './unapplied-fields.js';

const README = join(import.meta.dirname, '..', '..', 'README.md');

/** One README table row per table entry, in the table's order. */
function expectedRows(): string[] {
  const field = (r: UnappliedField) => `\`${r.field}\`${r.when ? ` (${r.when.map((w) => `\`${w}\``).join(', ')})` : ''}`;
  return [
    ...UNAPPLIED_FIELDS.map((r) => `| ${r.scope} | ${field(r)} | ${r.reason} |`),
    ...Object.entries(LOCALLY_RUN_LOG_DRIVERS).map(
      ([driver, why]) => `| container | \`logConfiguration.logDriver\` (\`${driver}\`) | runs on the instance's local driver, options kept: ${why} |`,
    ),
  ];
}

function readmeRows(): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('<!-- unapplied-fields -->');
  const end = text.indexOf('<!-- /unapplied-fields -->');
  expect(start, 'README has the unapplied-fields markers').toBeGreaterThan(0);
  return text
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| scope') && !l.startsWith('|--'));
}

const spec = (extra: Record<string, unknown>, container: Record<string, unknown> = {}) => {
  const result = validateObject({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: 'web' },
    spec: { containerDefinitions: [{ name: 'app', image: 'x', memory: 64, ...container }], ...extra },
  });
  if (!result.ok || result.object.kind !== 'TaskDefinition') throw new Error(JSON.stringify(result));
  return result.object.spec;
};

describe('the table of ECS fields berth accepts but does not apply', () => {
  it('is the table the README shows, row for row', () => {
    expect(readmeRows()).toEqual(expectedRows());
  });

  it.each([
    ['no unapplied field', {}, {}, []],
    [
      'task-level roles',
      { taskRoleArn: 'arn:aws:iam::1:role/r', executionRoleArn: 'arn:aws:iam::1:role/e' },
      {},
      ['spec.taskRoleArn', 'spec.executionRoleArn'],
    ],
    ['nothing in pidMode/ipcMode task (the task sandbox shares them)', { pidMode: 'task', ipcMode: 'task' }, {}, []],
    [
      'an InferenceAccelerator requirement, not a GPU one',
      {},
      {
        resourceRequirements: [
          { type: 'InferenceAccelerator', value: 'device_1' },
          { type: 'GPU', value: '1' },
        ],
      },
      ['spec.containerDefinitions.0.resourceRequirements.0.type'],
    ],
    ['a container field', {}, { credentialSpecs: ['credentialspec:file://x'] }, ['spec.containerDefinitions.0.credentialSpecs']],
    [
      'each port mapping name',
      {},
      { portMappings: [{ containerPort: 80, name: 'web' }, { containerPort: 81 }] },
      ['spec.containerDefinitions.0.portMappings.0.name'],
    ],
    [
      'an awslogs driver',
      {},
      { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' } } },
      ['spec.containerDefinitions.0.logConfiguration.logDriver'],
    ],
    ['a json-file driver', {}, { logConfiguration: { logDriver: 'json-file' } }, []],
  ])('finds %s', (_what, extra, container, paths) => {
    expect(unappliedUses(spec(extra, container)).map((u) => u.path.join('.'))).toEqual(paths);
  });

  it('says what is not applied and why, naming the container for a log driver', () => {
    const uses = unappliedUses(spec({ taskRoleArn: 'r' }, { logConfiguration: { logDriver: 'awsfirelens' } }));
    expect(uses.map((u) => u.message)).toEqual([
      'taskRoleArn is accepted but not applied: no IAM: containers get no role credentials',
      'log driver "awsfirelens" is ECS\'s FireLens log router: container "app" runs on the instance\'s local driver, options kept',
    ]);
  });
});
