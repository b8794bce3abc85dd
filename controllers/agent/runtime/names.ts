/**
 * The names and labels berth gives Docker objects. Names are deterministic so a create retried after
 * an agent crash hits a name conflict (and the agent adopts the container) rather than making a twin;
 * labels let the agent rebuild its view from `listContainers` and remove what no task owns.
 */

export const DOCKER_LABELS = {
  /** The uid of the installation (its store) whose agent made the object: berth touches nothing without its own. */
  installation: 'berth.installation',
  task: 'berth.task',
  taskUid: 'berth.task-uid',
  container: 'berth.container',
  instance: 'berth.instance',
  cluster: 'berth.cluster',
  taskDefinition: 'berth.task-definition',
  volume: 'berth.volume',
  /** On a task's sandbox (awsvpc, pidMode/ipcMode task), which is not one of its containers. */
  sandbox: 'berth.sandbox',
  /** A log configuration the engine cannot run, kept as JSON where `docker inspect` shows it. */
  logConfiguration: 'berth.log-configuration',
} as const;

export const NAME_PREFIX = 'berth';

/** Docker accepts `[a-zA-Z0-9][a-zA-Z0-9_.-]+`; anything else (":" in `web:3`, say) becomes "-". */
export const DOCKER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Caps each part so the whole stays readable in `docker ps` and well inside Docker's limits. */
const MAX_PART = 63;

function dockerSafe(part: string): string {
  return part.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, MAX_PART);
}

export interface TaskIdentity {
  /** The task's name (its key in the cluster). */
  name: string;
  /** The store's uid; a deleted-and-recreated task of the same name gets a new one. */
  uid?: string;
}

/** 12 hex digits of the uid (48 bits: collisions within one cluster are negligible), else the name. */
export function taskShortId(task: TaskIdentity): string {
  const hex = task.uid?.replace(/[^a-fA-F0-9]/g, '').toLowerCase() ?? '';
  return hex.length >= 12 ? hex.slice(0, 12) : dockerSafe(task.name);
}

/** `berth-<cluster>-<task short id>-<container>`. */
export function containerName(cluster: string, task: TaskIdentity, container: string): string {
  return [NAME_PREFIX, dockerSafe(cluster), taskShortId(task), dockerSafe(container)].join('-');
}

/** `berth-<cluster>-<task short id>`: the task's network, and the stem of its task-scoped volumes. */
export function taskNetworkName(cluster: string, task: TaskIdentity): string {
  return [NAME_PREFIX, dockerSafe(cluster), taskShortId(task)].join('-');
}

/**
 * `berth-<cluster>-<task short id>.sandbox`: the container holding an awsvpc task's network
 * namespace. The dot keeps it apart from every container's name (ECS names have no dots).
 */
export function sandboxName(cluster: string, task: TaskIdentity): string {
  return `${taskNetworkName(cluster, task)}.sandbox`;
}

/** A task-scoped Docker volume: `berth-<cluster>-<task short id>-<volume>`. */
export function taskVolumeName(cluster: string, task: TaskIdentity, volume: string): string {
  return [NAME_PREFIX, dockerSafe(cluster), taskShortId(task), 'vol', dockerSafe(volume)].join('-');
}

/** Whose a Docker object is: the installation, cluster and container instance of the agent that made it. */
export interface AgentScope {
  /** The installation's uid (api/store/installation.ts). */
  installation: string;
  cluster: string;
  instance: string;
}

/**
 * The labels every object of one agent carries, and the filter it lists and watches the engine with:
 * cluster and instance names alone are not enough, as two installations on one engine may use the
 * same ones (the instance name defaults to the hostname).
 */
export function scopeLabels(scope: AgentScope): Record<string, string> {
  return { [DOCKER_LABELS.installation]: scope.installation, [DOCKER_LABELS.cluster]: scope.cluster, [DOCKER_LABELS.instance]: scope.instance };
}

/** Whether an object with these labels was made by the agent of `scope` (carries all of its labels). */
export function belongsTo(labels: Record<string, string>, scope: AgentScope): boolean {
  return Object.entries(scopeLabels(scope)).every(([k, v]) => labels[k] === v);
}

/**
 * The labels a berth older than the installation uid put on its objects: cluster and instance, no
 * installation. What the agent lists to find such objects (legacy.ts decides which it adopts).
 */
export function legacyScopeLabels(scope: AgentScope): Record<string, string> {
  return { [DOCKER_LABELS.cluster]: scope.cluster, [DOCKER_LABELS.instance]: scope.instance };
}

/**
 * Whether an object without an installation label was made for `task` by this agent's cluster and
 * instance under an older berth: its task uid label is the task's uid. A uid is made by this
 * installation's store, so another installation's object (same cluster, instance and task names)
 * cannot carry it; without a uid on both sides nothing is claimed.
 */
export function isLegacyOf(labels: Record<string, string>, scope: AgentScope, task: TaskIdentity): boolean {
  return (
    labels[DOCKER_LABELS.installation] === undefined &&
    Object.entries(legacyScopeLabels(scope)).every(([k, v]) => labels[k] === v) &&
    task.uid !== undefined &&
    labels[DOCKER_LABELS.taskUid] === task.uid &&
    labels[DOCKER_LABELS.task] === task.name
  );
}

/** Made by this agent: with its installation's labels, or (isLegacyOf) for one of its tasks by an older berth. */
export function isOwnedBy(labels: Record<string, string>, scope: AgentScope, task: TaskIdentity): boolean {
  return belongsTo(labels, scope) || isLegacyOf(labels, scope, task);
}

/** The labels that tie a task's Docker objects (containers, network, volumes) to the task. */
export function taskLabels(scope: AgentScope, task: TaskIdentity): Record<string, string> {
  return {
    [DOCKER_LABELS.task]: task.name,
    ...(task.uid ? { [DOCKER_LABELS.taskUid]: task.uid } : {}),
    ...scopeLabels(scope),
  };
}
