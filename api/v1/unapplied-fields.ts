/**
 * Nothing silently ignored: the ECS fields berth accepts (so a real task definition registers
 * unchanged) but does not apply, each with the reason, and the log drivers that run on the
 * instance's local driver instead. `berth validate`, `apply` and gitops warn about every one that
 * a task definition uses (`--strict` makes the warnings errors); the README shows the same table
 * (a test checks they agree).
 *
 * To edit: when berth starts applying a field, delete its row (and the README's); when it accepts a
 * new field it does not apply, add one. `field` is a path inside the task definition (scope `task`)
 * or inside each container definition (scope `container`); `[]` steps into every item of a list.
 * `when` narrows a row to some values of the field.
 */
import type { ContainerDefinition } from './container-definition.js';
import type { TaskDefinitionSpec } from './task-definition.js';

export interface UnappliedField {
  scope: 'task' | 'container';
  field: string;
  reason: string;
  /** Only these values of the field are unapplied (absent: any value). */
  when?: readonly string[];
}

export const UNAPPLIED_FIELDS: readonly UnappliedField[] = [
  { scope: 'task', field: 'taskRoleArn', reason: 'no IAM: containers get no role credentials' },
  { scope: 'task', field: 'executionRoleArn', reason: 'no IAM: the agent pulls images and resolves secrets with its own access' },
  { scope: 'task', field: 'proxyConfiguration', reason: 'no App Mesh: no proxy is configured for the task' },
  { scope: 'task', field: 'inferenceAccelerators', reason: 'no Elastic Inference accelerators' },
  { scope: 'task', field: 'ephemeralStorage', reason: "Fargate only: containers write to the engine's own storage" },
  { scope: 'task', field: 'enableFaultInjection', reason: 'no fault-injection endpoints' },
  { scope: 'container', field: 'firelensConfiguration', reason: 'no FireLens: the container runs as an ordinary one' },
  { scope: 'container', field: 'credentialSpecs', reason: 'Windows Active Directory (gMSA) only' },
  {
    scope: 'container',
    field: 'versionConsistency',
    reason: 'the image tag is resolved when the container is created, not pinned to a digest at registration',
  },
  { scope: 'container', field: 'resourceRequirements[].type', when: ['InferenceAccelerator'], reason: 'no Elastic Inference accelerators' },
  { scope: 'container', field: 'portMappings[].name', reason: 'Service Connect: no service mesh; the port is published as usual' },
  { scope: 'container', field: 'portMappings[].appProtocol', reason: 'Service Connect: no service mesh; the port is published as usual' },
];

/**
 * Log drivers that need a service berth's instances do not have (CloudWatch, ECS's FireLens
 * router, a Splunk endpoint checked at container start): the container logs to the instance's
 * local driver instead, so `berth logs` works, and the options are kept on the task definition
 * (the agent also does so for any driver its engine does not have: controllers/agent/runtime/spec-logs.ts).
 */
export const LOCALLY_RUN_LOG_DRIVERS: Readonly<Record<string, string>> = {
  awslogs: 'needs CloudWatch Logs',
  awsfirelens: "is ECS's FireLens log router",
  splunk: 'needs the Splunk endpoint when the container starts',
  logentries: 'needs the Logentries service and its token',
};

export interface UnappliedUse {
  /** Path inside the TaskDefinition object: ['spec', 'containerDefinitions', 0, 'taskRoleArn']. */
  path: (string | number)[];
  message: string;
}

/** Every use of an unapplied field or a locally run log driver in `spec`, in document order: one per field per container. */
export function unappliedUses(spec: TaskDefinitionSpec): UnappliedUse[] {
  const uses: UnappliedUse[] = [];
  for (const row of UNAPPLIED_FIELDS.filter((r) => r.scope === 'task')) uses.push(...matches(spec, ['spec'], row));
  spec.containerDefinitions.forEach((c: ContainerDefinition, i) => {
    const base = ['spec', 'containerDefinitions', i];
    for (const row of UNAPPLIED_FIELDS.filter((r) => r.scope === 'container')) uses.push(...matches(c, base, row));
    const driver = c.logConfiguration?.logDriver;
    const why = driver === undefined ? undefined : LOCALLY_RUN_LOG_DRIVERS[driver];
    if (why)
      uses.push({
        path: [...base, 'logConfiguration', 'logDriver'],
        message: `log driver "${driver}" ${why}: container "${c.name}" runs on the instance's local driver, options kept`,
      });
  });
  return uses;
}

/** Where `row.field` is set in `root` (each item for `[]` steps), as UnappliedUses. */
function matches(root: unknown, base: (string | number)[], row: UnappliedField): UnappliedUse[] {
  let found: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: base }];
  for (const step of row.field.split('.')) {
    const each = step.endsWith('[]');
    const key = each ? step.slice(0, -2) : step;
    found = found.flatMap(({ value, path }) => {
      const child = isRecord(value) ? value[key] : undefined;
      if (child === undefined) return [];
      if (!each) return [{ value: child, path: [...path, key] }];
      return Array.isArray(child) ? child.map((item, i) => ({ value: item, path: [...path, key, i] })) : [];
    });
  }
  return found
    .filter(({ value }) => row.when === undefined || (typeof value === 'string' && row.when.includes(value)))
    .map(({ path }) => ({ path, message: `${row.field.replaceAll('[]', '')} is accepted but not applied: ${row.reason}` }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
