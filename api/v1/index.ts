/**
 * The kind registry: every kind's one schema, and validation of an unknown object against the
 * schema its `kind` names. (Stub: the real per-kind schemas replace the placeholders below.)
 */
import { z } from 'zod';
import { API_VERSION, defineKind } from './meta.js';
import type { KindName } from '../keys.js';

const placeholder = z.record(z.string(), z.unknown());
export const kindSchemas = {
  Cluster: defineKind('Cluster', placeholder, placeholder),
  ContainerInstance: defineKind('ContainerInstance', placeholder, placeholder),
  TaskDefinition: defineKind('TaskDefinition', placeholder, placeholder),
  Task: defineKind('Task', placeholder, placeholder),
  Service: defineKind('Service', placeholder, placeholder),
} satisfies Record<KindName, z.ZodType>;

export type BerthObject = z.infer<(typeof kindSchemas)[KindName]>;

export interface SchemaIssue {
  /** Path into the object, e.g. ['spec', 'containerDefinitions', 0, 'image']. */
  path: (string | number)[];
  message: string;
}
export type ValidationResult = { ok: true; object: BerthObject } | { ok: false; issues: SchemaIssue[] };

export function validateObject(raw: unknown): ValidationResult {
  const head = z.object({ apiVersion: z.string(), kind: z.string() }).safeParse(raw);
  if (!head.success) return { ok: false, issues: toIssues(head.error) };
  if (head.data.apiVersion !== API_VERSION)
    return { ok: false, issues: [{ path: ['apiVersion'], message: `expected "${API_VERSION}", got "${head.data.apiVersion}"` }] };
  const kind = head.data.kind;
  if (!isKindName(kind))
    return { ok: false, issues: [{ path: ['kind'], message: `unknown kind "${kind}"; expected one of ${Object.keys(kindSchemas).join(', ')}` }] };
  const parsed = kindSchemas[kind].safeParse(raw);
  return parsed.success ? { ok: true, object: parsed.data } : { ok: false, issues: toIssues(parsed.error) };
}

export function isKindName(kind: string): kind is KindName {
  return Object.hasOwn(kindSchemas, kind);
}

function toIssues(error: z.ZodError): SchemaIssue[] {
  return error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: i.message }));
}
