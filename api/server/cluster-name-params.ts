/** The `{cluster}/…/{name}` path parameters of a route, checked: a BadRequest names what was wrong. */
import { z } from 'zod';
import { Name } from '../v1/meta.js';
import { BadRequestError } from './errors-to-status.js';

const Params = z.object({ cluster: Name, name: Name });

/** `what` is what `{name}` names in the message ("task", "instance"). */
export function clusterNameParams(params: unknown, what: string): { cluster: string; name: string } {
  const parsed = Params.safeParse(params);
  if (!parsed.success)
    throw new BadRequestError(`invalid cluster or ${what} name: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
