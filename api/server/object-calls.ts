/**
 * The non-streaming verbs (get, list, create, update, patch, delete, and the status subresource),
 * as plain functions of (resources, call, body) → (HTTP code, body), so they carry no HTTP
 * framework and read like the resource layer they forward to.
 */
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import { API_VERSION, type BerthObject } from '../v1/index.js';
import type { ApiCall } from './api-call.js';
import type { Admit } from './auth-hooks.js';
import { alignObjectBody, checkPatchBody } from './body.js';
import { BadRequestError } from './errors-to-status.js';
import { publicObject } from '../usecases/secrets/public-view.js';
import { discoveryView } from '../usecases/resources/discovery-view.js';

/** The response: a body to serialise, or (a list, made from the stored values) JSON text to send as it is. */
export type CallResult = { code: number; body: unknown } | { code: number; json: string };

const MERGE_PATCH = 'application/merge-patch+json';

/** Tasks bound to one instance: the list filter an agent uses (a field selector in Kubernetes). */
export function boundTo(instance: string | undefined) {
  return (obj: BerthObject): boolean => instance === undefined || (obj.kind === 'Task' && obj.spec.containerInstance === instance);
}

/** A list's JSON, each item made from its stored text (codec.ts objectJson): stringifying them again cost a list of 20,000 tasks ~1/3 of its time. */
function listJson(head: object, itemJson: readonly string[]): string {
  return `${JSON.stringify(head).slice(0, -1)},"items":[${itemJson.join(',')}]}`;
}

export async function runObjectCall(
  resources: ResourceStore,
  call: ApiCall,
  body: unknown,
  contentType: string | undefined,
  admit?: Admit,
): Promise<CallResult> {
  const result = await objectCall(resources, call, body, contentType, admit);
  // No answer carries a Secret's sealed values (public-view.ts); lists are made by listJson (objectJson), which does the same.
  return 'body' in result && isObject(result.body) ? { code: result.code, body: publicObject(result.body) } : result;
}

const isObject = (body: unknown): body is BerthObject => typeof body === 'object' && body !== null && 'kind' in body && 'metadata' in body;

async function objectCall(resources: ResourceStore, call: ApiCall, body: unknown, contentType: string | undefined, admit?: Admit): Promise<CallResult> {
  const { path, query, verb } = call;
  const { kind, subresource } = path;
  const ref = { cluster: path.cluster, name: path.name ?? '' };
  const dryRun = query.dryRun === 'All';
  const isMergePatch = (contentType ?? '').split(';')[0]?.trim() === MERGE_PATCH;
  if ((verb === 'create' || verb === 'update') && isMergePatch) throw new BadRequestError(`${MERGE_PATCH} is for PATCH; send application/json`, 415);
  switch (verb) {
    case 'get':
      return { code: 200, body: await resources.mustGet(kind, ref) };
    case 'list': {
      const page = await resources.listJson(kind, {
        cluster: path.cluster,
        labelSelector: query.labelSelector,
        limit: query.limit,
        continue: query.continue,
        ...(query.containerInstance === undefined ? {} : { filter: boundTo(query.containerInstance) }),
        ...(query.view === 'discovery' ? { view: discoveryView } : {}),
      });
      const head = {
        apiVersion: API_VERSION,
        kind: `${kind}List`,
        metadata: { resourceVersion: page.resourceVersion, ...(page.continue ? { continue: page.continue } : {}) },
      };
      return { code: 200, json: listJson(head, page.itemJson) };
    }
    case 'create':
      if (subresource) throw new BadRequestError('POST to the collection to create an object', 405);
      return { code: 201, body: await resources.create(alignObjectBody(body, path), { dryRun, admit }) };
    case 'update': {
      const object = alignObjectBody(body, path);
      const written = subresource === 'status' ? await resources.updateStatus(object, { dryRun, admit }) : await resources.update(object, { dryRun, admit });
      return { code: 200, body: written };
    }
    case 'patch':
      return { code: 200, body: await resources.patch(kind, ref, checkPatchBody(body, path), { dryRun, subresource, admit }) };
    case 'delete': {
      const result = await resources.delete(kind, ref, { dryRun, resourceVersion: query.resourceVersion });
      // 202: the object is only marked for deletion and waits for its finalizers.
      return { code: result.deleted ? 200 : 202, body: result.object };
    }
    case 'watch':
      throw new Error('internal: watch is served by the watch stream');
  }
}
