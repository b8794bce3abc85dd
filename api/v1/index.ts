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
import { Task } from './task.js';
import { TaskDefinition } from './task-definition.js';

export const kindSchemas = {
  Cluster,
  ContainerInstance,
  TaskDefinition,
  Task,
  Service,
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

type Part = 'spec' | 'status';
/** Each kind's schema without the parts taken as known, built once per kind and set of parts. */
const shells = new Map<string, z.ZodType>();

/** Undefined for a kind whose schema is more than a plain object (TaskDefinition's transforms the whole). */
function shellOf(kind: KindName, known: readonly Part[]): z.ZodType | undefined {
  const schema: z.ZodType = kindSchemas[kind];
  if (!(schema instanceof z.ZodObject)) return undefined;
  const key = `${kind}/${known.join('+')}`;
  let shell = shells.get(key);
  if (!shell) {
    shell = schema.omit({ spec: known.includes('spec') ? true : undefined, status: known.includes('status') ? true : undefined });
    shells.set(key, shell);
  }
  return shell;
}

/**
 * `validateObject` for an object made from `known`, an already-valid object of the same kind (a
 * controller's cached copy with a new status or spec): a spec or status that IS known's (the same
 * object, not an equal one) is taken as it is instead of being parsed again, and the rest is parsed
 * as usual. Kinds made by defineKind (meta.ts) are apiVersion/kind/metadata/spec/status with no check across
 * them, so for those this accepts and rejects exactly what validateObject does; any other kind
 * (TaskDefinition transforms the whole object) is parsed in full. The result
 * shares those parts with `known`. At scale a full parse per status write was ~6 % of the agents'
 * CPU, most of it re-parsing a spec that had not changed.
 */
export function validateObjectOver(known: BerthObject, raw: unknown): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return validateObject(raw);
  const { spec, status, ...rest } = raw as Record<string, unknown>;
  const reused: Part[] = [];
  if (spec === known.spec) reused.push('spec');
  if (status !== undefined && status === known.status) reused.push('status');
  if (reused.length === 0 || rest.apiVersion !== known.apiVersion || rest.kind !== known.kind) return validateObject(raw);
  const input: Record<string, unknown> = { ...rest };
  if (!reused.includes('spec')) input.spec = spec;
  if (!reused.includes('status') && status !== undefined) input.status = status;
  const shell = shellOf(known.kind, reused);
  if (!shell) return validateObject(raw);
  const parsed = shell.safeParse(input);
  if (!parsed.success) return { ok: false, issues: toIssues(parsed.error) };
  const data = parsed.data as Record<string, unknown>;
  // Rebuilt in the schema's key order, so the stored JSON reads the same as after a full parse.
  const object = {
    apiVersion: data.apiVersion,
    kind: data.kind,
    metadata: data.metadata,
    spec: reused.includes('spec') ? known.spec : data.spec,
    ...(reused.includes('status') ? { status: known.status } : data.status !== undefined ? { status: data.status } : {}),
  };
  // Every part is either parsed by the kind's schema just now or is known's, which was.
  return { ok: true, object: object as BerthObject };
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
