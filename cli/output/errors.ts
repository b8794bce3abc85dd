/**
 * Errors as kubectl words them: `Error from server (NotFound): services "web" not found` for what the
 * API refused, `error: …` for everything else (bad flags, unreachable server, unreadable files).
 */
import { ApiError } from '../../api/client/errors.js';
import { isKindName } from '../../api/v1/index.js';
import { AlreadyExistsError, ConflictError, formatPath, InvalidError, NotFoundError, type ResourceId } from '../../api/usecases/resources/errors.js';
import { kindLabel, kindPlural } from './kinds.js';

export function formatError(err: unknown): string {
  if (err instanceof NotFoundError) return `Error from server (NotFound): ${plural(err.id)} "${err.id.name}" not found${inCluster(err.id)}`;
  if (err instanceof InvalidError) {
    const issues = err.issues.map((i) => `  ${formatPath(i.path) || '(object)'}: ${i.message}`).join('\n');
    return `Error from server (Invalid): ${label(err.id)} "${err.id.name}" is invalid:\n${issues}`;
  }
  if (err instanceof AlreadyExistsError || err instanceof ConflictError) return `Error from server (${err.name}): ${err.message}`;
  if (err instanceof ApiError) return `Error from server (${err.reason}): ${err.message}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

const plural = (id: ResourceId) => (isKindName(id.kind) ? kindPlural(id.kind) : id.kind);
const label = (id: ResourceId) => (isKindName(id.kind) ? kindLabel(id.kind) : id.kind);
const inCluster = (id: ResourceId) => (id.kind === 'Cluster' || id.cluster === 'default' ? '' : ` in cluster "${id.cluster}"`);
