/**
 * RegisterTaskDefinition, DeregisterTaskDefinition, DeleteTaskDefinitions, DescribeTaskDefinition,
 * ListTaskDefinitions, ListTaskDefinitionFamilies. Registering creates the family's next revision
 * through the same path as `berth apply` (resources/task-definition-revisions.ts), input cleaned as
 * ECS users' JSON is cleaned everywhere (v1/ecs-input.ts).
 */
import { z } from 'zod';
import type { ObjectOf } from '../../../client/types.js';
import { API_VERSION } from '../../../v1/meta.js';
import { ecsArn } from '../../../v1/arn.js';
import { parseTaskDefinitionRef, revisionOf } from '../../../v1/task-definition-ref.js';
import type { EcsCall } from '../context.js';
import { clientException, invalidParameter } from '../errors.js';
import { parseBody } from '../input.js';
import { listAll } from '../list-all.js';
import { page } from '../pagination.js';
import { taskDefinitionRef } from '../refs.js';
import { shape } from '../shapes.js';

type TaskDefinition = ObjectOf<'TaskDefinition'>;

const Register = z.looseObject({ family: z.string().min(1) });
const Ref = z.object({ taskDefinition: z.string().min(1), include: z.array(z.string()).optional() });
const Delete = z.object({ taskDefinitions: z.array(z.string().min(1)).min(1).max(10) });
const Status = z.enum(['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS', 'ALL']);
const List = z.object({
  familyPrefix: z.string().optional(),
  status: Status.optional(),
  sort: z.enum(['ASC', 'DESC']).optional(),
  nextToken: z.string().optional(),
  maxResults: z.int().optional(),
});
const ListFamilies = z.object({
  familyPrefix: z.string().optional(),
  status: Status.optional(),
  nextToken: z.string().optional(),
  maxResults: z.int().optional(),
});

const ctxOf = (call: EcsCall) => ({ ...call.arn, taskDefinitions: new Map<string, TaskDefinition>() });
const statusOf = (td: TaskDefinition) => td.status?.status ?? 'ACTIVE';

function described(call: EcsCall, td: TaskDefinition) {
  return { taskDefinition: shape.taskDefinition(td, ctxOf(call)), tags: td.spec.tags ?? [] };
}

export async function registerTaskDefinition(call: EcsCall, body: unknown) {
  const input = parseBody(Register, body);
  const created = await call.client.create({ apiVersion: API_VERSION, kind: 'TaskDefinition', metadata: { name: input.family }, spec: input });
  return described(call, created);
}

/** `web:3` (or its ARN) → that revision; `web` → its newest ACTIVE revision, as ECS resolves a family. */
async function find(call: EcsCall, ref: string, what: string): Promise<TaskDefinition> {
  const name = taskDefinitionRef(ref);
  const parsed = parseTaskDefinitionRef(name);
  if (!parsed) throw invalidParameter(`${ref} is not a task definition: use family, family:revision or its ARN`);
  if (parsed.revision !== undefined) {
    const td = await call.client.get('TaskDefinition', { name });
    if (td) return td;
  } else {
    const newest = (await listAll(call.client, 'TaskDefinition'))
      .filter((td) => td.spec.family === parsed.family && statusOf(td) === 'ACTIVE')
      .sort((a, b) => revisionOf(a) - revisionOf(b))
      .at(-1);
    if (newest) return newest;
  }
  throw clientException(`Unable to ${what} task definition.`);
}

export async function describeTaskDefinition(call: EcsCall, body: unknown) {
  return described(call, await find(call, parseBody(Ref, body).taskDefinition, 'describe'));
}

export async function deregisterTaskDefinition(call: EcsCall, body: unknown) {
  const ref = parseBody(Ref, body).taskDefinition;
  if (parseTaskDefinitionRef(taskDefinitionRef(ref))?.revision === undefined)
    throw clientException(`${ref}: name a revision (family:revision or its ARN) to deregister.`);
  const td = await find(call, ref, 'deregister');
  const now = call.now().toISOString();
  const { object } = await call.client.mutate(
    'TaskDefinition',
    { name: td.metadata.name },
    (t) => {
      if (t.status?.status !== 'INACTIVE') t.status = { ...t.status, status: 'INACTIVE', deregisteredAt: now };
    },
    { subresource: 'status' },
  );
  return { taskDefinition: shape.taskDefinition(object, ctxOf(call)) };
}

export async function deleteTaskDefinitions(call: EcsCall, body: unknown) {
  const input = parseBody(Delete, body);
  const taskDefinitions = [];
  const failures = [];
  for (const ref of input.taskDefinitions) {
    const name = taskDefinitionRef(ref);
    const parsed = parseTaskDefinitionRef(name);
    const arn = parsed?.revision === undefined ? ref : ecsArn.taskDefinition(call.arn, parsed.family, parsed.revision);
    const td = parsed?.revision === undefined ? undefined : await call.client.get('TaskDefinition', { name });
    if (!td) failures.push({ arn, reason: 'TASK_DEFINITION_NOT_FOUND', detail: `${ref}: no such task definition revision` });
    // ECS deletes only deregistered revisions.
    else if (statusOf(td) !== 'INACTIVE')
      failures.push({ arn, reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.' });
    else {
      await call.client.delete('TaskDefinition', { name });
      taskDefinitions.push({ ...shape.taskDefinition(td, ctxOf(call)), status: 'DELETE_IN_PROGRESS', deleteRequestedAt: call.now().getTime() / 1000 });
    }
  }
  return { taskDefinitions, failures };
}

const wanted = (status: z.infer<typeof Status> | undefined, td: TaskDefinition) => (status ?? 'ACTIVE') === 'ALL' || statusOf(td) === (status ?? 'ACTIVE');

export async function listTaskDefinitions(call: EcsCall, body: unknown) {
  const input = parseBody(List, body);
  const all = (await listAll(call.client, 'TaskDefinition')).filter(
    (td) => wanted(input.status, td) && (input.familyPrefix === undefined || td.spec.family.startsWith(input.familyPrefix)),
  );
  // ECS sorts by family, then revision; the token's key keeps that order (revisions zero-padded).
  const key = (td: TaskDefinition) => `${td.spec.family}\u0000${String(revisionOf(td)).padStart(10, '0')}`;
  const result = page(all, input.sort === 'DESC' ? (td) => invert(key(td)) : key, input.nextToken, input.maxResults);
  return {
    taskDefinitionArns: result.items.map((td) => ecsArn.taskDefinition(call.arn, td.spec.family, revisionOf(td))),
    ...(result.nextToken ? { nextToken: result.nextToken } : {}),
  };
}

/** Keys whose ascending order is the descending order of `key`'s (each character complemented). */
function invert(key: string): string {
  return [...key].map((c) => String.fromCharCode(0xffff - c.charCodeAt(0))).join('');
}

export async function listTaskDefinitionFamilies(call: EcsCall, body: unknown) {
  const input = parseBody(ListFamilies, body);
  const all = await listAll(call.client, 'TaskDefinition');
  const byFamily = new Map<string, TaskDefinition[]>();
  for (const td of all) byFamily.set(td.spec.family, [...(byFamily.get(td.spec.family) ?? []), td]);
  // A family is ACTIVE while any revision is; INACTIVE when all are (ECS's ListTaskDefinitionFamilies).
  const families = [...byFamily.entries()]
    .filter(([family, tds]) => {
      if (input.familyPrefix !== undefined && !family.startsWith(input.familyPrefix)) return false;
      const active = tds.some((td) => statusOf(td) === 'ACTIVE');
      const status = input.status ?? 'ACTIVE';
      return status === 'ALL' || (status === 'ACTIVE' ? active : !active);
    })
    .map(([family]) => family);
  const result = page(families, (f) => f, input.nextToken, input.maxResults);
  return { families: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}
