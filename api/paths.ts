/**
 * Every URL path of berth's REST API, built and parsed here and nowhere else, so the server's
 * router and the clients can never disagree. The layout is Kubernetes' with `cluster` in place of
 * namespace:
 *
 *   /apis/berth.dev/v1/clusters[/{name}[/status]]                      Cluster objects
 *   /apis/berth.dev/v1/taskdefinitions[/{name}[/status]]               task definitions (the account's)
 *   /apis/berth.dev/v1/clusters/{cluster}/{plural}[/{name}[/status]]   every other kind
 *   /apis/berth.dev/v1/{plural}                                        list/watch across all clusters
 *
 * Task definitions belong to the account, as in ECS. Their old per-cluster paths
 * (/clusters/{cluster}/taskdefinitions/…) still serve the same account-wide objects: the cluster
 * there says where the caller acts from (an agent's cluster, a role's cluster, whose task policy a
 * registration is checked against), never where the definition lives.
 *
 * Segments are percent-encoded: names may hold `:` (task definition revisions, `web:3`).
 */
import { isAccountScoped, KIND_PLURALS, type KindName } from './keys.js';

export const API_PREFIX = '/apis/berth.dev/v1';
const CLUSTERS = KIND_PLURALS.Cluster;

export type Subresource = 'status';

export interface ResourcePath {
  kind: KindName;
  /** Absent for Cluster objects and for lists across all clusters. */
  cluster?: string;
  /** Absent for lists and creates. */
  name?: string;
  subresource?: Subresource;
}

export interface ParsedResourcePath extends ResourcePath {
  /** The path with names replaced by placeholders, e.g. for metrics labels. */
  template: string;
}

const enc = encodeURIComponent;

/** The path of a kind's collection (cluster given) or of one object (name given). */
export function resourcePath(p: ResourcePath): string {
  const plural = KIND_PLURALS[p.kind];
  let path: string;
  if (p.kind === 'Cluster') path = p.name === undefined ? `${API_PREFIX}/${CLUSTERS}` : `${API_PREFIX}/${CLUSTERS}/${enc(p.name)}`;
  else if (p.cluster === undefined) {
    if (p.name !== undefined && !isAccountScoped(p.kind)) throw new Error(`internal: a path to ${p.kind} ${p.name} needs its cluster`);
    path = p.name === undefined ? `${API_PREFIX}/${plural}` : `${API_PREFIX}/${plural}/${enc(p.name)}`;
  } else {
    path = `${API_PREFIX}/${CLUSTERS}/${enc(p.cluster)}/${plural}`;
    if (p.name !== undefined) path += `/${enc(p.name)}`;
  }
  if (p.subresource !== undefined) {
    if (p.name === undefined) throw new Error(`internal: the ${p.subresource} subresource needs an object name`);
    path += `/${p.subresource}`;
  }
  return path;
}

const kindOfPlural = (plural: string | undefined): KindName | undefined => (Object.keys(KIND_PLURALS) as KindName[]).find((k) => KIND_PLURALS[k] === plural);

function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined; // malformed percent-encoding
  }
}

/** Parse the path part of a URL (no query string); undefined when it is not a resource path. */
export function parseResourcePath(path: string): ParsedResourcePath | undefined {
  if (!path.startsWith(`${API_PREFIX}/`)) return undefined;
  const segments = decodeSegments(path.slice(API_PREFIX.length + 1).replace(/\/$/, ''));
  if (!segments || segments.some((s) => s === '')) return undefined;
  const [first, second, third, fourth, fifth, ...rest] = segments;
  if (rest.length > 0) return undefined;
  const kind = kindOfPlural(first);
  if (!kind) return undefined;
  if (second === undefined) return { kind, template: `${API_PREFIX}/${first}` };
  if (kind === 'TaskDefinition') {
    const template = `${API_PREFIX}/${first}/{name}`;
    if (third === undefined) return { kind, name: second, template };
    if (third === 'status' && fourth === undefined) return { kind, name: second, subresource: 'status', template: `${template}/status` };
    return undefined;
  }
  if (kind !== 'Cluster') return undefined;
  const clusterTemplate = `${API_PREFIX}/${CLUSTERS}/{name}`;
  if (third === undefined) return { kind: 'Cluster', name: second, template: clusterTemplate };
  if (third === 'status' && fourth === undefined) return { kind: 'Cluster', name: second, subresource: 'status', template: `${clusterTemplate}/status` };
  const inner = kindOfPlural(third);
  if (!inner || inner === 'Cluster') return undefined;
  const base = `${API_PREFIX}/${CLUSTERS}/{cluster}/${third}`;
  if (fourth === undefined) return { kind: inner, cluster: second, template: base };
  if (fifth === undefined) return { kind: inner, cluster: second, name: fourth, template: `${base}/{name}` };
  if (fifth === 'status') return { kind: inner, cluster: second, name: fourth, subresource: 'status', template: `${base}/{name}/status` };
  return undefined;
}

/** Where an admin issues a token for the agent of one container instance (POST → {token}). */
export const AGENT_TOKEN_ROUTE = `${API_PREFIX}/${CLUSTERS}/:cluster/${KIND_PLURALS.ContainerInstance}/:name/token`;
export function agentTokenPath(cluster: string, instance: string): string {
  return `${resourcePath({ kind: 'ContainerInstance', cluster, name: instance })}/token`;
}

/** Meta endpoints, outside the resource tree. */
export const metaPaths = {
  healthz: '/healthz',
  readyz: '/readyz',
  version: '/version',
  metrics: '/metrics',
} as const;

/**
 * The web console (console/, built into dist/console): its page and assets, served without a
 * token (they hold no data; a browser sends no bearer header when it navigates), while every call
 * it makes carries one.
 */
export const CONSOLE_PATH = '/ui';

/** Who am I (GET → the caller's principal): agents ask it to check a token they are handed. */
export const WHOAMI_PATH = `${API_PREFIX}/whoami`;

/** Which installation this API serves (GET → {uid, createdAt}): agents label what they make with the uid. */
export const INSTALLATION_PATH = `${API_PREFIX}/installation`;

/** A task container's logs through the API server (GET; query container, follow, tail, sinceSeconds). */
export const TASK_LOG_ROUTE = `${API_PREFIX}/${CLUSTERS}/:cluster/${KIND_PLURALS.Task}/:name/log`;
export function taskLogPath(cluster: string, task: string): string {
  return `${resourcePath({ kind: 'Task', cluster, name: task })}/log`;
}

/** A task's secret values, for the agent running it (GET → api/usecases/secrets/resolve.ts TaskSecrets). */
export const TASK_SECRETS_ROUTE = `${API_PREFIX}/${CLUSTERS}/:cluster/${KIND_PLURALS.Task}/:name/secrets`;
export function taskSecretsPath(cluster: string, task: string): string {
  return `${resourcePath({ kind: 'Task', cluster, name: task })}/secrets`;
}

/**
 * The agent's own log endpoint (on the agent's log server, not the API server; query follow, tail,
 * since, uid). The API server proxies TASK_LOG_ROUTE to it.
 */
export function agentLogsPath(task: string, container: string): string {
  return `/v1/tasks/${enc(task)}/containers/${enc(container)}/logs`;
}
export function parseAgentLogsPath(path: string): { task: string; container: string } | undefined {
  const segments = decodeSegments(path);
  if (!segments || segments.length !== 7) return undefined;
  const [root, v1, tasks, task, containers, container, logs] = segments;
  if (root !== '' || v1 !== 'v1' || tasks !== 'tasks' || containers !== 'containers' || logs !== 'logs' || !task || !container) return undefined;
  return { task, container };
}

/** A process run in a task's container (WebSocket; query container, command (repeated), tty, stdin): api/usecases/tasks/stream-protocol.ts. */
export const TASK_EXEC_ROUTE = `${API_PREFIX}/${CLUSTERS}/:cluster/${KIND_PLURALS.Task}/:name/exec`;
export function taskExecPath(cluster: string, task: string): string {
  return `${resourcePath({ kind: 'Task', cluster, name: task })}/exec`;
}

/** One TCP connection to a port of a task's container (WebSocket; query port, container). */
export const TASK_PORT_FORWARD_ROUTE = `${API_PREFIX}/${CLUSTERS}/:cluster/${KIND_PLURALS.Task}/:name/portforward`;
export function taskPortForwardPath(cluster: string, task: string): string {
  return `${resourcePath({ kind: 'Task', cluster, name: task })}/portforward`;
}

/** The agent's exec and port endpoints (WebSocket, on its log server), which the API server relays to; the port is in the path, so a per-call token bound to the path reaches that port only. */
export function agentExecPath(task: string, container: string): string {
  return `/v1/tasks/${enc(task)}/containers/${enc(container)}/exec`;
}
export function agentPortPath(task: string, container: string, port: number): string {
  return `/v1/tasks/${enc(task)}/containers/${enc(container)}/ports/${port}`;
}
export type AgentStreamTarget = { task: string; container: string } & ({ kind: 'exec' } | { kind: 'port'; port: number });
export function parseAgentStreamPath(path: string): AgentStreamTarget | undefined {
  const segments = decodeSegments(path);
  if (!segments || segments.length < 7) return undefined;
  const [root, v1, tasks, task, containers, container, what, port, ...rest] = segments;
  if (root !== '' || v1 !== 'v1' || tasks !== 'tasks' || containers !== 'containers' || !task || !container || rest.length > 0) return undefined;
  if (what === 'exec' && port === undefined) return { kind: 'exec', task, container };
  const n = Number(port);
  if (what === 'ports' && port !== undefined && /^\d+$/.test(port) && n >= 1 && n <= 65535) return { kind: 'port', task, container, port: n };
  return undefined;
}

/** Tokens (installation admins only): POST creates one (→ {token, id}), GET lists them, DELETE …/{id} revokes. */
export const TOKENS_PATH = `${API_PREFIX}/tokens`;
export const TOKEN_ROUTE = `${TOKENS_PATH}/:id`;
/** Access keys for the ECS API (installation admins only): POST issues one (→ {accessKeyId, secretAccessKey}), GET lists, DELETE …/{id} revokes. */
export const ACCESS_KEYS_PATH = `${API_PREFIX}/accesskeys`;
export const ACCESS_KEY_ROUTE = `${ACCESS_KEYS_PATH}/:id`;
export function accessKeyPath(id: string): string {
  return `${ACCESS_KEYS_PATH}/${enc(id)}`;
}
export function tokenPath(id: string): string {
  return `${TOKENS_PATH}/${enc(id)}`;
}
