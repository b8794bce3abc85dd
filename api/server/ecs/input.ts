/** Parsing an operation's body with zod at the edge: the first problem becomes ECS's InvalidParameterException, naming the member. */
import type { z } from 'zod';
import { toIssues } from '../../v1/index.js';
import { invalidParameter } from './errors.js';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issues = toIssues(parsed.error).map((i) => `${i.path.length > 0 ? i.path.join('.') : 'request'}: ${i.message}`);
  throw invalidParameter(issues.join('; '));
}

/** `o` without its undefined members: the use cases' inputs are strict objects that refuse an explicit undefined. */
export function present<T extends Record<string, unknown>>(o: T): T {
  const out = { ...o };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}
