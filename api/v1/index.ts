/**
 * The kind registry: every kind's one schema, and validation of an unknown object against the
 * schema its `kind` names. Everything else in api/v1 is re-exported from here.
 */
import { z } from 'zod';
import type { KindName } from '../keys.js';
import { Cluster } from './cluster.js';
import { ContainerInstance } from './container-instance.js';
import { API_VERSION } from './meta.js';
import { Service } from './service.js';
import { Lease } from './lease.js';
import { Task } from './task.js';
import { TaskDefinition } from './task-definition.js';
import { SecretResource } from './secret.js';
import { LoadBalancer } from './load-balancer.js';
import { TargetGroup } from './target-group.js';
import { isPlainObject } from '../merge-patch.js';
import { parseOverParts, type KindParts } from './validate-over.js';
import { RESERVED_KEY_MESSAGE, reservedKeyPaths } from './reserved-keys.js';

export const kindSchemas = {
  Cluster,
  ContainerInstance,
  TaskDefinition,
  Task,
  Service,
  Lease,
  Secret: SecretResource,
  LoadBalancer,
  TargetGroup,
} satisfies Record<KindName, z.ZodType>;

export type BerthObject = z.infer<(typeof kindSchemas)[KindName]>;
/** The parsed object of one kind, e.g. `ObjectOfKind<'Service'>` is `Service`. */
export type ObjectOfKind<K extends KindName> = z.infer<(typeof kindSchemas)[K]>;

export interface SchemaIssue {
  /** Path into the object, e.g. ['spec', 'containerDefinitions', 0, 'image']. */
  path: (string | number)[];
  message: string;
}
export type ValidationResult = { ok: true; object: BerthObject } | { ok: false; issues: SchemaIssue[] };

/** Built once: zod compiles each object schema on first use, and this runs on every read. */
const Head = z.object({ apiVersion: z.string(), kind: z.string() });

export function validateObject(raw: unknown): ValidationResult {
  const head = Head.safeParse(raw);
  if (!head.success) return { ok: false, issues: toIssues(head.error) };
  if (head.data.apiVersion !== API_VERSION)
    return { ok: false, issues: [{ path: ['apiVersion'], message: `expected "${API_VERSION}", got "${head.data.apiVersion}"` }] };
  const kind = head.data.kind;
  if (!isKindName(kind))
    return { ok: false, issues: [{ path: ['kind'], message: `unknown kind "${kind}"; expected one of ${Object.keys(kindSchemas).join(', ')}` }] };
  const parsed = kindSchemas[kind].safeParse(raw);
  const reserved = withReservedKeys(raw, undefined, parsed.success ? [] : toIssues(parsed.error));
  if (reserved.length > 0) return { ok: false, issues: reserved };
  return parsed.success ? { ok: true, object: parsed.data } : { ok: false, issues: toIssues(parsed.error) };
}

/** `issues` and an issue at every `__proto__` member of `raw` not already named (reserved-keys.ts says why). */
function withReservedKeys(raw: unknown, known: unknown, issues: SchemaIssue[]): SchemaIssue[] {
  const paths = reservedKeyPaths(raw, known);
  if (paths.length === 0) return issues;
  const named = new Set(issues.map((i) => JSON.stringify(i.path)));
  const reserved = paths.filter((p) => !named.has(JSON.stringify(p))).map((path) => ({ path, message: RESERVED_KEY_MESSAGE }));
  return [...issues, ...reserved];
}

/**
 * The kinds whose schema is defineKind's with nothing added, so each part can be judged alone
 * (validate-over.ts). TaskDefinition is not one: its schema checks and transforms the whole.
 */
const partsOfKind: Partial<Record<KindName, KindParts>> = {
  Cluster: Cluster.shape,
  ContainerInstance: ContainerInstance.shape,
  Task: Task.shape,
  Service: Service.shape,
  Secret: SecretResource.shape,
  LoadBalancer: LoadBalancer.shape,
  TargetGroup: TargetGroup.shape,
};

/**
 * `validateObject` for an object made from `known`, an already-valid object of the same kind (a
 * controller's cached copy with a new status or spec): a part (metadata, spec, status) that is
 * known's own is taken as it is and only the new parts are parsed, so an agent's status report
 * does not parse the task's spec again. The result shares the taken parts with `known`. A rejected
 * object is parsed again in full, for issues that read the same.
 */
export function validateObjectOver(known: BerthObject, raw: unknown): ValidationResult {
  const parts = partsOfKind[known.kind];
  if (!parts || !isPlainObject(raw) || raw.apiVersion !== known.apiVersion || raw.kind !== known.kind) return validateObject(raw);
  const parsed = parseOverParts(parts, known, raw);
  // Every part is either parsed by its schema just now or is known's, which was.
  return parsed.ok && reservedKeyPaths(raw, known).length === 0 ? { ok: true, object: parsed.value as BerthObject } : validateObject(raw);
}

export function isKindName(kind: string): kind is KindName {
  return Object.hasOwn(kindSchemas, kind);
}

/**
 * Zod issues as SchemaIssues. An unknown key becomes one issue per key with the key in its path,
 * so a loader can point at the very line with the typo; a bad record key says what was wrong with it.
 */
export function toIssues(error: z.ZodError): SchemaIssue[] {
  return error.issues.flatMap((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (i.code === 'unrecognized_keys')
      return i.keys.map((key) => ({ path: [...path, key], message: `unknown field "${key}" (misspelt, or not an ECS field?)` }));
    if (i.code === 'invalid_key') return [{ path, message: `invalid key: ${i.issues.map((inner) => inner.message).join('; ')}` }];
    return [{ path, message: i.message }];
  });
}

export * from './common.js';
export * from './meta.js';
export * from './units.js';
export * from './networking.js';
export * from './health-check.js';
export * from './container-parts.js';
export * from './container-definition.js';
export * from './container-graph.js';
export * from './volume.js';
export * from './placement.js';
export * from './task-definition-ref.js';
export * from './task-definition-rules.js';
export * from './task-definition.js';
export * from './task-policy.js';
export * from './cluster.js';
export * from './container-instance.js';
export * from './utilization.js';
export * from './task.js';
export * from './service.js';
export * from './service-registry.js';
export * from './lease.js';
export * from './secret.js';
export * from './target-group-ref.js';
export * from './target-group.js';
export * from './load-balancer.js';
export * from './service-load-balancers.js';
