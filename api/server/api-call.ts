/**
 * What a resource request asks for, decided once per request from its method, path and query:
 * the verb, the object path, and the validated query options. Handlers and the authorization
 * hook read this instead of re-parsing the URL.
 */
import { z } from 'zod';
import type { Verb } from '../auth/authorize.js';
import { isAccountScoped } from '../keys.js';
import { parseResourcePath, type ParsedResourcePath } from '../paths.js';
import { Name } from '../v1/meta.js';
import { TASK_VIEWS } from '../usecases/resources/discovery-view.js';
import { BadRequestError } from './errors-to-status.js';

export interface ApiCall {
  verb: Verb;
  path: ParsedResourcePath;
  query: ApiQuery;
}

const Revision = z.string().regex(/^\d+$/, 'must be a decimal store revision');
const Bool = z.enum(['true', '1', 'false', '0']).transform((v) => v === 'true' || v === '1');

/** Unknown parameters are ignored, as Kubernetes ignores e.g. `allowWatchBookmarks`. */
export const ApiQuery = z.object({
  watch: Bool.optional(),
  resourceVersion: Revision.optional(),
  labelSelector: z.string().optional(),
  limit: z.coerce.number().int().min(0).optional(),
  continue: z.string().min(1).optional(),
  dryRun: z.literal('All', { error: 'the only supported dryRun is "All"' }).optional(),
  /** Tasks bound to this instance only (what an agent lists and watches). */
  containerInstance: Name.optional(),
  /** `discovery`: tasks as service discovery reads them (resources/discovery-view.ts). */
  view: z.enum(TASK_VIEWS).optional(),
});
export type ApiQuery = z.infer<typeof ApiQuery>;

export function parseApiCall(method: string, urlPath: string, rawQuery: unknown): ApiCall | undefined {
  const path = parseResourcePath(urlPath);
  if (!path) return undefined;
  const parsed = ApiQuery.safeParse(rawQuery);
  if (!parsed.success) throw new BadRequestError(`invalid query: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const query = parsed.data;
  if (query.containerInstance !== undefined && path.kind !== 'Task') throw new BadRequestError('the containerInstance filter applies to tasks only');
  if (query.view !== undefined && path.kind !== 'Task') throw new BadRequestError('the view parameter applies to tasks only');
  return { verb: verbOf(method, path, query), path, query };
}

function verbOf(method: string, path: ParsedResourcePath, query: ApiQuery): Verb {
  const one = path.name !== undefined;
  const acrossClusters = !isAccountScoped(path.kind) && path.cluster === undefined;
  const notAllowed = (what: string) => new BadRequestError(`${method} is not allowed on ${what}`, 405);
  if (method === 'GET' || method === 'HEAD') return one ? 'get' : query.watch ? 'watch' : 'list';
  if (acrossClusters) throw notAllowed('a list across all clusters; use /apis/berth.dev/v1/clusters/{cluster}/...');
  switch (method) {
    case 'POST':
      if (one) throw notAllowed('an object; POST to its collection to create it');
      return 'create';
    case 'PUT':
      if (!one) throw notAllowed('a collection; PUT to an object');
      return 'update';
    case 'PATCH':
      if (!one) throw notAllowed('a collection; PATCH an object');
      return 'patch';
    case 'DELETE':
      if (!one || path.subresource) throw notAllowed(path.subresource ? 'a subresource' : 'a collection; DELETE one object');
      return 'delete';
  }
  throw notAllowed('the API');
}
