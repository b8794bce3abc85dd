/**
 * Every store key berth uses is built here and nowhere else.
 * Layout: /berth/v1/<plural>/<cluster>/<name> for cluster-scoped kinds, /berth/v1/clusters/<name>
 * for clusters themselves, and /berth/v1/_sys/... for internal bookkeeping (counters, leases, leaders).
 */
export const KEY_ROOT = '/berth/v1/';

export const KIND_PLURALS = {
  Cluster: 'clusters',
  ContainerInstance: 'containerinstances',
  TaskDefinition: 'taskdefinitions',
  Task: 'tasks',
  Service: 'services',
  Lease: 'leases',
  Secret: 'secrets',
} as const;
export type KindName = keyof typeof KIND_PLURALS;

export interface ObjectRef {
  kind: KindName;
  cluster: string;
  name: string;
}

const isClusterKind = (kind: KindName) => kind === 'Cluster';

/** The key of one object. For `Cluster`, `cluster` and `name` are the same thing. */
export function objectKey(ref: ObjectRef): string {
  const plural = KIND_PLURALS[ref.kind];
  return isClusterKind(ref.kind) ? `${KEY_ROOT}${plural}/${ref.name}` : `${KEY_ROOT}${plural}/${ref.cluster}/${ref.name}`;
}

/** The prefix under which all objects of a kind live, optionally within one cluster. */
export function kindPrefix(kind: KindName, cluster?: string): string {
  const plural = KIND_PLURALS[kind];
  if (isClusterKind(kind) || cluster === undefined) return `${KEY_ROOT}${plural}/`;
  return `${KEY_ROOT}${plural}/${cluster}/`;
}

/** The prefix of every stored revision (`family:N`) of one task-definition family. */
export function familyRevisionsPrefix(cluster: string, family: string): string {
  return `${kindPrefix('TaskDefinition', cluster)}${family}:`;
}

/** The inverse of objectKey; undefined for keys that are not object keys. */
export function parseObjectKey(key: string): ObjectRef | undefined {
  if (!key.startsWith(KEY_ROOT)) return undefined;
  const parts = key.slice(KEY_ROOT.length).split('/');
  const kind = (Object.keys(KIND_PLURALS) as KindName[]).find((k) => KIND_PLURALS[k] === parts[0]);
  if (!kind) return undefined;
  if (isClusterKind(kind)) return parts.length === 2 && parts[1] ? { kind, cluster: parts[1], name: parts[1] } : undefined;
  return parts.length === 3 && parts[1] && parts[2] ? { kind, cluster: parts[1], name: parts[2] } : undefined;
}

/** Internal bookkeeping keys, outside every kind prefix. */
export const sysKeys = {
  /** Highest revision number ever allocated for a task-definition family (never reused). */
  familyCounter: (cluster: string, family: string) => `${KEY_ROOT}_sys/families/${cluster}/${family}`,
  /** The leader-election record of one controller. */
  leader: (controller: string) => `${KEY_ROOT}_sys/leaders/${controller}`,
  /** An agent's heartbeat, attached to its lease. */
  heartbeat: (cluster: string, instance: string) => `${KEY_ROOT}_sys/heartbeats/${cluster}/${instance}`,
  /** An API bearer token, by the hex SHA-256 of the token (the token itself is never stored). */
  token: (sha256Hex: string) => `${KEY_ROOT}_sys/tokens/${sha256Hex}`,
  /** The prefix of every registered API token. */
  tokensPrefix: () => `${KEY_ROOT}_sys/tokens/`,
  /** The installation's identity (api/store/installation.ts), written once. */
  installation: () => `${KEY_ROOT}_sys/installation`,
};
