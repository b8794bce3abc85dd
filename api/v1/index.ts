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
import { isPlainObject } from '../merge-patch.js';
import { parseOver } from './validate-over.js';

export const kindSchemas = {
  Cluster,
  ContainerInstance,
  TaskDefinition,
  Task,
  Service,
  Lease,
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
  return parsed.success ? { ok: true, object: parsed.data } : { ok: false, issues: toIssues(parsed.error) };
}

/**
 * `validateObject` for an object made from `known`, an already-valid object of the same kind (a
 * controller's cached copy with a new status or spec): whatever of it is known's own data (the same
 * object, or the same primitive at the same place) is taken as it is, and the rest is parsed by its
 * own schema (validate-over.ts says why that gives the same verdict and output as a full parse).
 * The result shares those parts with `known`. At scale a full parse per status report or bind was
 * the largest single source of the agents' and the scheduler's allocations, most of it re-parsing
 * what had not changed. A rejected object is parsed again in full, for issues that read the same.
 */
export function validateObjectOver(known: BerthObject, raw: unknown): ValidationResult {
  if (!isPlainObject(raw) || raw.apiVersion !== known.apiVersion || raw.kind !== known.kind) return validateObject(raw);
  const parsed = parseOver(kindSchemas[known.kind], known, raw);
  // Every part is either parsed by its schema just now or is known's, which was.
  return parsed.ok ? { ok: true, object: parsed.value as BerthObject } : validateObject(raw);
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
    if (i.code === 'invalid_key')
      return [{ path, message: `invalid key: ${i.issues.map((inner) => inner.message).join('; ')}` }];
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
export * from './cluster.js';
export * from './container-instance.js';
export * from './task.js';
export * from './service.js';
export * from './lease.js';
