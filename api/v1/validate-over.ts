/**
 * Validation of an object made from one already known to be valid: a controller's cached copy with
 * a new status (an agent's report) or one changed spec field (the scheduler's bind). Whatever of the
 * new object IS the known one's (the same object or the same primitive at the same place) is taken
 * as it is; everything else is parsed by its own schema. At 20,000 tasks a full parse per write was
 * the largest single source of the server's and the agents' allocations (bench/NOTES.md).
 *
 * This accepts and rejects exactly what a full parse does, and gives the same output, because it
 * only descends into schemas whose verdict is the sum of their parts' verdicts: plain objects and
 * arrays with no check of their own (no refine, no length bound) and no unknown keys. A schema
 * with a check across its parts (TaskOverrides' "overridden twice", TaskDefinition's transform of
 * the whole) is parsed whole whenever anything in it is new. A known part is taken as valid
 * because what a parse outputs parses to itself (defaults filled, transforms applied: codec.ts).
 */
import { z } from 'zod';
import { isPlainObject } from '../merge-patch.js';

type Parsed = { ok: true; value: unknown } | { ok: false };

/** No refinement or bound of the schema's own: its verdict is its parts'. */
const hasNoChecksOfItsOwn = (schema: z.ZodType): boolean => (schema._zod.def.checks?.length ?? 0) === 0;

/**
 * `value` parsed by `schema`, reusing what is `known`'s. A failure says only "not valid": the
 * caller parses the whole object again for the issues, as they read from a full parse.
 */
export function parseOver(schema: z.ZodType, known: unknown, value: unknown): Parsed {
  if (value === known && value !== undefined) return { ok: true, value };
  // An optional or defaulted part that is present is its inner schema's to judge.
  if ((schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) && value !== undefined) return parseOver(schema.unwrap() as z.ZodType, known, value);
  if (schema instanceof z.ZodObject && hasNoChecksOfItsOwn(schema) && isPlainObject(value)) return parseObjectOver(schema, isPlainObject(known) ? known : {}, value);
  if (schema instanceof z.ZodArray && hasNoChecksOfItsOwn(schema) && Array.isArray(value)) {
    const before: unknown[] = Array.isArray(known) ? known : [];
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = parseOver(schema.element as z.ZodType, before[i], value[i]);
      if (!item.ok) return item;
      out.push(item.value);
    }
    return { ok: true, value: out };
  }
  return wholeParse(schema, value);
}

function parseObjectOver(schema: z.ZodObject, known: Record<string, unknown>, value: Record<string, unknown>): Parsed {
  const shape = schema.shape as Record<string, z.ZodType>;
  // An unknown key is an error for a strict object and dropped by a stripping one: either way the
  // whole parse says what happens to it.
  for (const key in value) if (!Object.hasOwn(shape, key)) return wholeParse(schema, value);
  const out: Record<string, unknown> = {};
  // In the shape's order, as zod builds its output, so the stored JSON reads the same.
  for (const key in shape) {
    const part = parseOver(shape[key] as z.ZodType, known[key], value[key]);
    if (!part.ok) return part;
    // zod keeps a key whose output is undefined only when the input had it.
    if (part.value !== undefined) out[key] = part.value;
    else if (key in value) out[key] = undefined;
  }
  return { ok: true, value: out };
}

function wholeParse(schema: z.ZodType, value: unknown): Parsed {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false };
}
