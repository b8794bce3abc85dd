/**
 * What each role may do, as a pure function of (principal, request). Admins may do everything. An
 * agent acts for one container instance and gets the least it needs to run that instance's tasks:
 *
 *  - read (get) the TaskDefinitions of tasks bound to its instance;
 *  - read Tasks bound to its instance: `get` of such a task, and list/watch only with the
 *    `containerInstance=<its instance>` filter; list/watch every task of its cluster only in the
 *    `view=discovery` (without spec.overrides), for its service-discovery DNS server;
 *  - read the Services of its cluster (their serviceRegistries, for the same);
 *  - write the status of Tasks bound to its instance (the agent owns task status);
 *  - read, create and update its own ContainerInstance, spec and status, within the rules of
 *    agent-instance-rules.ts (what it may change there).
 *
 * Whether a task is bound to the instance depends on the stored task, which this pure function
 * cannot see: it answers `needsBoundTask` (or `needsBoundDefinition`) and the caller checks the
 * stored objects.
 *
 * Task definitions belong to the account, not to a cluster (api/keys.ts), while roles are held per
 * cluster. So a user reads them with `view` in any cluster and registers them (or edits their
 * labels) with `edit` in any cluster, as ECS's DescribeTaskDefinition and RegisterTaskDefinition are
 * account-wide rights; deregistering or deleting a revision changes what runs in every cluster that
 * uses it, so it needs `admin` in each of those (`needsAdminWhereUsed`), or `admin` in `*`.
 */
import type { KindName } from '../keys.js';
import type { Subresource } from '../paths.js';
import {
  ALL_CLUSTERS,
  atLeast,
  roleIn,
  strongestRole,
  type AgentPrincipal,
  type ClusterRole,
  type LbPrincipal,
  type Principal,
  type UserPrincipal,
} from './principal.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface ResourceRequest {
  verb: Verb;
  kind: KindName;
  cluster?: string;
  /** The object's name: from the URL, or from the body of a create. */
  name?: string;
  subresource?: Subresource;
  /** The `containerInstance` filter of a list or watch. */
  containerInstance?: string;
  /** The `view` of a task list or watch (resources/discovery-view.ts). */
  view?: string;
}

export type Decision =
  | { allowed: true }
  | { allowed: false; reason: string }
  /** Allowed if the stored task `cluster/name` has spec.containerInstance === instance. */
  | { allowed: 'needsBoundTask'; instance: string }
  /** Allowed if some task bound to `instance` uses the task definition `cluster/name`. */
  | { allowed: 'needsBoundDefinition'; instance: string }
  /** Allowed if the written ContainerInstance keeps agent-instance-rules.ts. */
  | { allowed: 'ownInstanceRules'; instance: string }
  /** Allowed if the user holds `admin` in every cluster where a service or a live task uses the task definition. */
  | { allowed: 'needsAdminWhereUsed' }
  /** Allowed if the written TargetGroup differs from the stored one only in `proxy`'s own health report (lb-report-rules.ts). */
  | { allowed: 'ownHealthReport'; proxy: string };

const allow: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

export function authorize(principal: Principal, req: ResourceRequest): Decision {
  if (principal.role === 'admin') return allow;
  if (principal.role === 'log-reader') return deny(`${principal.name} only reads container logs from agents; it may not ${req.verb} ${req.kind}`);
  if (principal.role === 'scrape') return deny(`${principal.name} is a scrape token: it reads /metrics only; it may not ${req.verb} ${req.kind}`);
  if (principal.role === 'user') return authorizeUser(principal, req);
  if (principal.role === 'lb') return authorizeLb(principal, req);
  return authorizeAgent(principal, req);
}

/** Meta endpoints: /version for everyone authenticated, /metrics for installation admins and scrape tokens. */
export function authorizeMeta(principal: Principal, endpoint: 'version' | 'metrics'): Decision {
  if (endpoint === 'metrics' && principal.role !== 'admin' && principal.role !== 'scrape')
    return deny(`${principal.name} may not read metrics; use an admin token or a scrape token (\`berth token create --role scrape\`)`);
  return allow;
}

/**
 * A scrape token reaches /metrics and nothing else: not /version, whoami or the installation's uid
 * that every other token may read, so a Prometheus's credentials tell a thief nothing but metrics.
 */
export function authorizeScrapeToken(principal: Principal, isMetrics: boolean, what: string): Decision {
  if (principal.role !== 'scrape' || isMetrics) return allow;
  return deny(`${principal.name} is a scrape token: it may GET /metrics and nothing else, not ${what}`);
}

/**
 * A user's role in a cluster: `view` reads everything in it; `edit` also writes task definitions,
 * tasks and services; `admin` also writes container instances (drain), the Cluster object (its
 * task policy) and status, and issues agent tokens. Only installation admins create clusters,
 * manage tokens and read metrics. A list or watch across clusters needs the role in `*`.
 */
function authorizeUser(user: UserPrincipal, req: ResourceRequest): Decision {
  const what = `${req.verb} ${req.kind}${req.subresource ? `/${req.subresource}` : ''}`;
  const where = req.cluster === undefined ? 'across all clusters' : `in cluster ${req.cluster}`;
  if (req.kind === 'Cluster' && req.verb === 'create') return deny(`${user.name} may not create clusters; only an installation admin may`);
  if (req.kind === 'TaskDefinition') return authorizeUserDefinition(user, req, what);
  const needed = neededRole(req);
  const held = roleIn(user, req.cluster ?? (req.kind === 'Cluster' ? undefined : ALL_CLUSTERS));
  if (atLeast(held, needed)) return allow;
  return deny(`${user.name} ${held ? `has role ${held}` : 'has no role'} ${where}; to ${what} it needs ${needed}`);
}

function authorizeUserDefinition(user: UserPrincipal, req: ResourceRequest, what: string): Decision {
  const held = strongestRole(user);
  const changesWhatRuns = req.verb === 'delete' || req.subresource === 'status';
  const needed: ClusterRole = req.verb === 'get' || req.verb === 'list' || req.verb === 'watch' ? 'view' : 'edit';
  if (!atLeast(held, needed))
    return deny(
      `${user.name} ${held ? `has role ${held}` : 'has no role'} in any cluster; to ${what} (task definitions belong to the account) it needs ${needed} in some cluster`,
    );
  if (!changesWhatRuns || atLeast(roleIn(user, ALL_CLUSTERS), 'admin')) return allow;
  return { allowed: 'needsAdminWhereUsed' };
}

function neededRole(req: ResourceRequest): ClusterRole {
  if (req.verb === 'get' || req.verb === 'list' || req.verb === 'watch') return 'view';
  if (req.subresource === 'status' || req.kind === 'Cluster' || req.kind === 'ContainerInstance') return 'admin';
  return 'edit';
}

function authorizeAgent(agent: AgentPrincipal, req: ResourceRequest): Decision {
  const what = `${req.verb} ${req.kind}${req.subresource ? `/${req.subresource}` : ''}`;
  const who = `agent token of instance ${agent.cluster}/${agent.instance}`;
  if (req.cluster !== agent.cluster)
    return deny(
      `the ${who} may only act in cluster ${agent.cluster}, not ${req.cluster === undefined ? 'across all clusters' : `in cluster ${req.cluster}`} (${what})`,
    );
  switch (req.kind) {
    case 'TaskDefinition':
      // A definition holds its containers' environment: an agent sees only those it runs.
      return req.verb === 'get'
        ? { allowed: 'needsBoundDefinition', instance: agent.instance }
        : deny(`the ${who} may only get the task definitions of its own tasks, one by name (${what})`);
    case 'Task':
      return authorizeAgentTask(agent, req, who, what);
    case 'Service':
      // Service discovery (the agent's DNS server) reads its cluster's services' registries; a service holds nothing secret.
      return req.verb === 'get' || req.verb === 'list' || req.verb === 'watch' ? allow : deny(`the ${who} may only read services (${what})`);
    case 'ContainerInstance':
      if (req.name !== agent.instance) return deny(`the ${who} may only use its own container instance ${agent.instance} (${what} ${req.name ?? '(all)'})`);
      if (req.verb === 'get') return allow;
      return ['create', 'update', 'patch'].includes(req.verb)
        ? { allowed: 'ownInstanceRules', instance: agent.instance }
        : deny(`the ${who} may not ${req.verb} its container instance`);
    default:
      return deny(`the ${who} may not ${what}`);
  }
}

function authorizeAgentTask(agent: AgentPrincipal, req: ResourceRequest, who: string, what: string): Decision {
  if (req.verb === 'list' || req.verb === 'watch') {
    // Every task of the cluster, but only as service discovery sees them (no overrides: they may carry environment values).
    if (req.view === 'discovery' && req.containerInstance === undefined) return allow;
    return req.containerInstance === agent.instance
      ? allow
      : deny(`the ${who} must ${req.verb} tasks with ?containerInstance=${agent.instance} (or ?view=discovery, without overrides)`);
  }
  if (req.verb === 'get') return { allowed: 'needsBoundTask', instance: agent.instance };
  if ((req.verb === 'update' || req.verb === 'patch') && req.subresource === 'status') return { allowed: 'needsBoundTask', instance: agent.instance };
  return deny(`the ${who} may only read tasks and write their status (${what})`);
}

/**
 * A load balancer proxy's token (`berth lb` on a host of its own) reads its cluster's LoadBalancers
 * and TargetGroups and writes, in a TargetGroup's status, its own health report alone: it cannot
 * change listeners, rules, targets or another proxy's report, so a stolen one steers no traffic.
 */
function authorizeLb(lb: LbPrincipal, req: ResourceRequest): Decision {
  const what = `${req.verb} ${req.kind}${req.subresource ? `/${req.subresource}` : ''}`;
  const who = `load balancer token ${lb.name}`;
  if (req.cluster !== lb.cluster)
    return deny(
      `the ${who} may only act in cluster ${lb.cluster}, not ${req.cluster === undefined ? 'across all clusters' : `in cluster ${req.cluster}`} (${what})`,
    );
  const reads = req.verb === 'get' || req.verb === 'list' || req.verb === 'watch';
  if ((req.kind === 'LoadBalancer' || req.kind === 'TargetGroup') && reads) return allow;
  if (req.kind === 'TargetGroup' && req.subresource === 'status' && (req.verb === 'update' || req.verb === 'patch'))
    return { allowed: 'ownHealthReport', proxy: lb.name };
  return deny(`the ${who} reads load balancers and target groups and reports its health checks; it may not ${what}`);
}
