/**
 * Who is calling the API:
 *  - an installation admin (`role: admin`: every cluster, tokens, metrics; `berth up`'s admin.token);
 *  - a user (`role: user`) holding a role per cluster (`grants`): admin, edit or view, see
 *    authorize.ts; `*` grants the role in every cluster;
 *  - the agent of one container instance;
 *  - a load balancer proxy (`role: lb`, `berth lb` on another host): reads one cluster's
 *    LoadBalancers and TargetGroups and reports its own health checks, under the token's name;
 *  - a scraper (`role: scrape`): reads /metrics (and /version) and nothing else, for a Prometheus
 *    whose credentials then open no cluster's objects;
 *  - a log reader: the API server itself when it reads container logs from one agent. Such a token
 *    names the instance and the log path it was made for, and that agent alone accepts it, for that
 *    path alone; the API refuses it everything, so an agent that captures one can replay it nowhere.
 * Any token may carry `expiresAt`; after it the token authenticates no more.
 */
import { z } from 'zod';
import { Name, Timestamp } from '../v1/meta.js';

export const CLUSTER_ROLES = ['admin', 'edit', 'view'] as const;
export const ClusterRole = z.enum(CLUSTER_ROLES);
export type ClusterRole = z.infer<typeof ClusterRole>;
/** A grant's cluster: a cluster name, or `*` for every cluster. */
export const ALL_CLUSTERS = '*';
export const GrantCluster = z.union([Name, z.literal(ALL_CLUSTERS)]);

const common = { name: z.string().min(1), expiresAt: Timestamp.optional() };

export const TokenIdentity = z.discriminatedUnion('role', [
  z.strictObject({ ...common, role: z.literal('admin') }),
  z.strictObject({ ...common, role: z.literal('user'), grants: z.record(GrantCluster, ClusterRole) }),
  z.strictObject({ ...common, role: z.literal('agent'), cluster: Name, instance: Name }),
  z.strictObject({ ...common, role: z.literal('scrape') }),
  z.strictObject({ ...common, role: z.literal('lb'), cluster: Name }),
  /** `path`: the one agent log path (`/v1/tasks/{task}/containers/{container}/logs`) the token was made for. */
  z.strictObject({
    ...common,
    role: z.literal('log-reader'),
    cluster: Name.optional(),
    instance: Name.optional(),
    path: z.string().startsWith('/').optional(),
  }),
]);
export type TokenIdentity = z.infer<typeof TokenIdentity>;

/** A caller without a token, let in only from loopback when the server allows it. */
export const ANONYMOUS_LOOPBACK: TokenIdentity = { name: 'anonymous (loopback)', role: 'admin' };

export type Principal = TokenIdentity;
export type AgentPrincipal = Extract<Principal, { role: 'agent' }>;
export type UserPrincipal = Extract<Principal, { role: 'user' }>;
export type LbPrincipal = Extract<Principal, { role: 'lb' }>;
/** The identity of a token issued to a machine by role (`berth token create --role scrape|lb`), without its expiry. */
export type ScrapeOrLbIdentity = { name: string; role: 'scrape' } | { name: string; role: 'lb'; cluster: string };

/** The role `principal` holds in `cluster` (installation admins: admin everywhere). */
export function roleIn(principal: Principal, cluster: string | undefined): ClusterRole | undefined {
  if (principal.role === 'admin') return 'admin';
  if (principal.role !== 'user') return undefined;
  const everywhere = principal.grants[ALL_CLUSTERS];
  const here = cluster === undefined ? undefined : principal.grants[cluster];
  return strongest(here, everywhere);
}

/** The strongest role `principal` holds in any cluster (what account-wide objects are judged by). */
export function strongestRole(principal: Principal): ClusterRole | undefined {
  if (principal.role === 'admin') return 'admin';
  if (principal.role !== 'user') return undefined;
  return Object.values(principal.grants).reduce<ClusterRole | undefined>((best, role) => strongest(best, role), undefined);
}

const RANK: Record<ClusterRole, number> = { view: 1, edit: 2, admin: 3 };

export function atLeast(role: ClusterRole | undefined, needed: ClusterRole): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}

function strongest(a: ClusterRole | undefined, b: ClusterRole | undefined): ClusterRole | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** Whether an identity's expiry has passed at `now` (ms since the epoch). */
export function isExpired(identity: TokenIdentity, now: number): boolean {
  return identity.expiresAt !== undefined && Date.parse(identity.expiresAt) <= now;
}
