/** Objects received from the server, validated with their kind's schema at the edge. */
import { z } from 'zod';
import type { KindName } from '../keys.js';
import { formatPath } from '../usecases/resources/errors.js';
import { validateObject } from '../v1/index.js';
import { ApiError } from './errors.js';
import { expectKind } from './expect-kind.js';
import type { ObjectOf } from './types.js';

export function decodeAs<K extends KindName>(kind: K, raw: unknown): ObjectOf<K> {
  const result = validateObject(raw);
  if (!result.ok)
    throw new ApiError(502, 'BadResponse', `the server sent an invalid ${kind}: ${result.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
  if (result.object.kind !== kind) throw new ApiError(502, 'BadResponse', `the server sent a ${result.object.kind} where a ${kind} was expected`);
  return expectKind(result.object, kind);
}

export const ListBody = z.object({
  metadata: z.object({ resourceVersion: z.string(), continue: z.string().optional() }),
  items: z.array(z.unknown()),
});

export function parseBody<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError(502, 'BadResponse', `the server sent a malformed ${what}`);
  return parsed.data;
}
