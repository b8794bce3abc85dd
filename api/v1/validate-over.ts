/**
 * Validation of an object made from one already known to be valid: a controller's cached copy with
 * a new status (an agent's report) or a new spec (the scheduler's bind). The rule needs nothing of
 * zod's internals: an object of a kind built by `defineKind` alone is valid exactly when each of its
 * parts (metadata, spec, status) is, because nothing checks one part against another. So a part
 * that IS the known object's (the same reference: the caller spread the cached copy) is taken as
 * it is, and only the parts that are new are parsed, each by its own schema. A kind whose schema
 * adds a check or a transform across its parts (TaskDefinition) is parsed whole.
 */
import type { z } from 'zod';
import { isPlainObject } from '../merge-patch.js';

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false };

/** The top-level schemas of a kind built by defineKind alone. */
export type KindParts = {
  readonly apiVersion: z.ZodType;
  readonly kind: z.ZodType;
  readonly metadata: z.ZodType;
  readonly spec: z.ZodType;
  readonly status: z.ZodType;
};

/**
 * `value` parsed by the parts of its kind, reusing whatever part is `known`'s own. A failure says
 * only "not valid": the caller parses the whole object again for issues that read as a full parse's.
 */
export function parseOverParts(parts: KindParts, known: Record<string, unknown>, value: unknown): Parsed {
  if (!isPlainObject(value)) return { ok: false };
  // A strict object: an unknown top-level key fails the whole parse, which says where.
  for (const key in value) if (!Object.hasOwn(parts, key)) return { ok: false };
  const out: Record<string, unknown> = {};
  // In the schema's order, as zod builds its output, so the stored JSON reads the same.
  for (const key of Object.keys(parts) as (keyof KindParts)[]) {
    const part = value[key];
    if (part === known[key] && part !== undefined) {
      out[key] = part;
      continue;
    }
    const parsed = parts[key].safeParse(part);
    if (!parsed.success) return { ok: false };
    // zod keeps a key whose output is undefined only when the input had it.
    if (parsed.data !== undefined || key in value) out[key] = parsed.data;
  }
  return { ok: true, value: out };
}
