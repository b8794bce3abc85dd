/**
 * What run-task and start-task share: resolving the definition, checking overrides against it, and
 * creating the Task objects (PENDING, createdAt) one by one, ECS-style: a task that cannot be
 * created is reported in `failures` and does not undo the others.
 */
import type { BerthClient, ObjectOf } from '../../client/types.js';
import { API_VERSION, DEFAULT_CLUSTER } from '../../v1/meta.js';
import { SERVICE_GROUP_PREFIX, type TaskOverrides } from '../../v1/task.js';
import { TaskRequestError } from './errors.js';
import { taskName } from './names.js';
import { lookUpTaskDefinition } from './resolve-definition.js';

type Task = ObjectOf<'Task'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;

export interface TaskFailure {
  /** The instance the task was meant for (start-task). */
  containerInstance?: string;
  reason: string;
}

export interface TasksResult {
  tasks: Task[];
  failures: TaskFailure[];
}

/**
 * Which of these not-yet-created tasks could not be placed on the cluster's instances now, with the
 * reason, by task name (the scheduler's own decision: controllers/scheduler/feasibility.ts).
 */
export type PlacementCheck = (cluster: string, drafts: Task[]) => Promise<Map<string, string>>;

export interface TaskApiOptions {
  /**
   * run-task: create only the tasks that can be placed now and report the others in `failures`,
   * as ECS's RunTask does; without it every task is created and waits PENDING.
   */
  placement?: PlacementCheck;
  now?: () => Date;
  /** The random part of task names (tests pin it). */
  randomSuffix?: () => string;
  /** Labels every created task carries (the ECS API marks a RunTask's clientToken with one). */
  labels?: Record<string, string>;
}

interface Common {
  cluster?: string;
  taskDefinition: string;
  group?: string;
  startedBy?: string;
  overrides?: TaskOverrides;
}

/** The definition to run and the spec fields every task of the call shares. */
export async function prepare(client: BerthClient, input: Common): Promise<{ cluster: string; definition: TaskDefinition; group: string }> {
  const cluster = input.cluster ?? DEFAULT_CLUSTER;
  if (input.group?.startsWith(SERVICE_GROUP_PREFIX))
    throw new TaskRequestError('group', `"${input.group}" is reserved for tasks a service starts; choose a group not starting with "${SERVICE_GROUP_PREFIX}"`);
  const definition = await lookUpTaskDefinition(client, cluster, input.taskDefinition);
  checkOverrides(definition, input.overrides);
  // ECS's default group for a one-off task is its family.
  return { cluster, definition, group: input.group ?? `family:${definition.spec.family ?? definition.metadata.name.split(':')[0]}` };
}

function checkOverrides(definition: TaskDefinition, overrides: TaskOverrides | undefined): void {
  const names = definition.spec.containerDefinitions.map((c) => c.name);
  overrides?.containerOverrides?.forEach((o, i) => {
    if (!names.includes(o.name))
      throw new TaskRequestError(
        `overrides.containerOverrides.${i}.name`,
        `container "${o.name}" is not in task definition ${definition.metadata.name} (its containers: ${names.join(', ')})`,
      );
  });
}

/** Creates one task, choosing a fresh name if the random one is taken. */
export async function createTask(
  client: BerthClient,
  /** Where the task runs: the definition belongs to the account, not to a cluster. */
  cluster: string,
  definition: TaskDefinition,
  spec: Record<string, unknown>,
  options: TaskApiOptions,
): Promise<Task> {
  const family = definition.spec.family ?? definition.metadata.name;
  const now = (options.now ?? (() => new Date()))().toISOString();
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.create({
        apiVersion: API_VERSION,
        kind: 'Task',
        metadata: { name: taskName(family, options.randomSuffix?.()), cluster, ...(options.labels ? { labels: options.labels } : {}) },
        spec: { taskDefinition: definition.metadata.name, desiredStatus: 'RUNNING', ...spec },
        status: { lastStatus: 'PENDING', createdAt: now },
      });
    } catch (err) {
      if (!(err instanceof Error && err.name === 'AlreadyExists') || attempt >= 2) throw err;
    }
  }
}

/** `failures` entry for an error; input mistakes are thrown before anything is created, not listed. */
export function failureOf(err: unknown, containerInstance?: string): TaskFailure {
  return { ...(containerInstance ? { containerInstance } : {}), reason: err instanceof Error ? err.message : String(err) };
}
