/**
 * Request bodies meet the URL: the URL's kind, cluster and name are filled into a body that omits
 * them, and a body that names another object is rejected (422) rather than silently written to
 * the wrong key. Everything else is left to the kind's zod schema in the resource layer.
 */
import { z } from 'zod';
import { isAccountScoped } from '../keys.js';
import { InvalidError } from '../usecases/resources/errors.js';
import type { ResourcePath } from '../paths.js';
import { API_VERSION, DEFAULT_CLUSTER, type SchemaIssue } from '../v1/index.js';
import { BadRequestError } from './errors-to-status.js';

const JsonObject = z.record(z.string(), z.unknown());
type JsonObject = z.infer<typeof JsonObject>;

/** The body of a create or update, with the URL's identity filled in. */
export function alignObjectBody(body: unknown, target: ResourcePath): JsonObject {
  const object = asObject(body);
  const metadata = asMetadata(object);
  const issues: SchemaIssue[] = [];
  const fill = (field: string, path: (string | number)[], holder: JsonObject, expected: string | undefined) => {
    if (expected === undefined) return;
    if (holder[field] === undefined) holder[field] = expected;
    else if (holder[field] !== expected) issues.push({ path, message: `must be "${expected}" as in the URL, or be left out` });
  };
  fill('apiVersion', ['apiVersion'], object, API_VERSION);
  fill('kind', ['kind'], object, target.kind);
  fill('name', ['metadata', 'name'], metadata, target.name);
  // An account-scoped object's cluster is ignored (api/keys.ts), so it need not match the URL's.
  if (!isAccountScoped(target.kind)) fill('cluster', ['metadata', 'cluster'], metadata, target.cluster);
  object.metadata = metadata;
  if (issues.length > 0) throw new InvalidError(idOf(target, metadata), issues);
  return object;
}

/** A merge patch may not move the object it patches. */
export function checkPatchBody(body: unknown, target: ResourcePath): JsonObject {
  const patch = asObject(body);
  const metadata = patch.metadata === undefined || patch.metadata === null ? {} : asMetadata(patch);
  const issues: SchemaIssue[] = [];
  const same = (field: 'name' | 'cluster', expected: string | undefined) => {
    if (metadata[field] !== undefined && metadata[field] !== expected)
      issues.push({ path: ['metadata', field], message: `a patch cannot change ${field} (the URL names "${expected}")` });
  };
  same('name', target.name);
  if (!isAccountScoped(target.kind)) same('cluster', target.cluster);
  if (patch.kind !== undefined && patch.kind !== target.kind) issues.push({ path: ['kind'], message: `a patch cannot change kind ${target.kind}` });
  if (issues.length > 0) throw new InvalidError(idOf(target, {}), issues);
  return patch;
}

function asObject(body: unknown): JsonObject {
  const parsed = JsonObject.safeParse(body);
  if (!parsed.success || Array.isArray(body)) throw new BadRequestError('the request body must be a JSON object');
  return { ...parsed.data };
}

function asMetadata(object: JsonObject): JsonObject {
  if (object.metadata === undefined) return {};
  const parsed = JsonObject.safeParse(object.metadata);
  if (!parsed.success || Array.isArray(object.metadata)) throw new BadRequestError('metadata must be a JSON object');
  return { ...parsed.data };
}

function idOf(target: ResourcePath, metadata: JsonObject) {
  const name = target.name ?? (typeof metadata.name === 'string' ? metadata.name : '(unnamed)');
  return { kind: target.kind, cluster: target.kind === 'Cluster' ? name : (target.cluster ?? DEFAULT_CLUSTER), name };
}
