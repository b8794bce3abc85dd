/**
 * Every store key berth uses is built here and nowhere else.
 * Layout: /berth/v1/<plural>/<cluster>/<name> for cluster-scoped kinds, /berth/v1/<plural>/<name>
 * for the account-scoped ones (clusters themselves, and task definitions, which as in ECS belong to
 * the account and run in every cluster), and /berth/v1/_sys/... for internal bookkeeping (counters,
 * leases, leaders).
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
  LoadBalancer: 'loadbalancers',
  TargetGroup: 'targetgroups',
} as const;
export type KindName = keyof typeof KIND_PLURALS;

export interface ObjectRef {
  kind: KindName;
  cluster: string;
  name: string;
}

const isClusterKind = (kind: KindName) => kind === 'Cluster';

/**
 * Kinds that belong to the account, not to one cluster: their key has no cluster, and the
 * `cluster` of a reference to one is ignored (a Cluster's is its own name; a TaskDefinition's
 * metadata.cluster is stored as ACCOUNT_CLUSTER, whatever it was written with).
 */
export function isAccountScoped(kind: KindName): kind is 'Cluster' | 'TaskDefinition' {
  return kind === 'Cluster' || kind === 'TaskDefinition';
}

/** What an account-scoped TaskDefinition's metadata.cluster reads (the schema needs one). */
export const ACCOUNT_CLUSTER = 'default';

/** The key of one object. For account-scoped kinds `cluster` is ignored. */
export function objectKey(ref: ObjectRef): string {
  const plural = KIND_PLURALS[ref.kind];
  return isAccountScoped(ref.kind) ? `${KEY_ROOT}${plural}/${ref.name}` : `${KEY_ROOT}${plural}/${ref.cluster}/${ref.name}`;
}

/** The prefix under which all objects of a kind live, optionally within one cluster. */
export function kindPrefix(kind: KindName, cluster?: string): string {
  const plural = KIND_PLURALS[kind];
  if (isAccountScoped(kind) || cluster === undefined) return `${KEY_ROOT}${plural}/`;
  return `${KEY_ROOT}${plural}/${cluster}/`;
}

/** The prefix of every stored revision (`family:N`) of one task-definition family. */
export function familyRevisionsPrefix(family: string): string {
  return `${kindPrefix('TaskDefinition')}${family}:`;
}

/**
 * Keys task definitions had while they belonged to one cluster (before the account scope), read
 * only by the migration (api/usecases/resources/task-definition-migration.ts).
 */
export const legacyTaskDefinitionKeys = {
  prefix: () => `${KEY_ROOT}${KIND_PLURALS.TaskDefinition}/`,
  /** `{cluster, name}` of a per-cluster key, or undefined for any other key. */
  parse(key: string): { cluster: string; name: string } | undefined {
    const rest = key.startsWith(legacyTaskDefinitionKeys.prefix()) ? key.slice(legacyTaskDefinitionKeys.prefix().length).split('/') : [];
    return rest.length === 2 && rest[0] && rest[1] ? { cluster: rest[0], name: rest[1] } : undefined;
  },
  familyCountersPrefix: () => `${KEY_ROOT}_sys/families/`,
};

/** The inverse of objectKey; undefined for keys that are not object keys. */
export function parseObjectKey(key: string): ObjectRef | undefined {
  if (!key.startsWith(KEY_ROOT)) return undefined;
  const parts = key.slice(KEY_ROOT.length).split('/');
  const kind = (Object.keys(KIND_PLURALS) as KindName[]).find((k) => KIND_PLURALS[k] === parts[0]);
  if (!kind) return undefined;
  if (isClusterKind(kind)) return parts.length === 2 && parts[1] ? { kind, cluster: parts[1], name: parts[1] } : undefined;
  if (isAccountScoped(kind)) return parts.length === 2 && parts[1] ? { kind, cluster: ACCOUNT_CLUSTER, name: parts[1] } : undefined;
  return parts.length === 3 && parts[1] && parts[2] ? { kind, cluster: parts[1], name: parts[2] } : undefined;
}

/** Internal bookkeeping keys, outside every kind prefix. */
export const sysKeys = {
  /** Highest revision number ever allocated for a task-definition family (never reused), account-wide. */
  familyCounter: (family: string) => `${KEY_ROOT}_sys/account-families/${family}`,
  /** Per-cluster family counters of before the account scope (read by the migration only). */
  legacyFamilyCounter: (cluster: string, family: string) => `${KEY_ROOT}_sys/families/${cluster}/${family}`,
  /** The task-definition migration's journal (api/usecases/resources/task-definition-migration.ts). */
  taskDefinitionMigration: () => `${KEY_ROOT}_sys/migrations/account-task-definitions`,
  /** The leader-election record of one controller. */
  leader: (controller: string) => `${KEY_ROOT}_sys/leaders/${controller}`,
  /** An agent's heartbeat, attached to its lease. */
  heartbeat: (cluster: string, instance: string) => `${KEY_ROOT}_sys/heartbeats/${cluster}/${instance}`,
  /** An API bearer token, by the hex SHA-256 of the token (the token itself is never stored). */
  token: (sha256Hex: string) => `${KEY_ROOT}_sys/tokens/${sha256Hex}`,
  /** The prefix of every registered API token. */
  tokensPrefix: () => `${KEY_ROOT}_sys/tokens/`,
  /** An ECS API access key (api/auth/access-keys.ts): its identity and its secret, sealed. */
  accessKey: (accessKeyId: string) => `${KEY_ROOT}_sys/access-keys/${accessKeyId}`,
  accessKeysPrefix: () => `${KEY_ROOT}_sys/access-keys/`,
  /** The installation's identity (api/store/installation.ts), written once. */
  installation: () => `${KEY_ROOT}_sys/installation`,
};
