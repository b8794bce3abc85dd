/** Reading objects for get, describe and delete: whole lists (all pages) and objects by name. */
import type { BerthClient, ObjectOf } from '../../../api/client/types.js';
import type { KindName } from '../../../api/keys.js';
import { NotFoundError } from '../../../api/usecases/resources/errors.js';
import { parseTaskDefinitionRef, type BerthObject } from '../../../api/v1/index.js';

export async function listAll<K extends KindName>(
  client: BerthClient,
  kind: K,
  options: { cluster?: string; selector?: string },
): Promise<{ items: ObjectOf<K>[]; resourceVersion: string }> {
  const items: ObjectOf<K>[] = [];
  let resourceVersion = '0';
  for await (const page of listPages(client, kind, options)) {
    items.push(...page.items);
    resourceVersion = page.resourceVersion;
  }
  return { items, resourceVersion };
}

/** The list page by page as the server sends them (500 objects each), for printing as they come. */
export async function* listPages<K extends KindName>(
  client: BerthClient,
  kind: K,
  options: { cluster?: string; selector?: string },
): AsyncGenerator<{ items: ObjectOf<K>[]; resourceVersion: string }> {
  let token: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const page = await client.list(kind, {
      cluster: kind === 'Cluster' ? undefined : options.cluster,
      labelSelector: options.selector,
      limit: 500,
      continue: token,
    });
    // Every page is read at the first page's revision, so that one is the list's.
    resourceVersion ??= page.resourceVersion;
    yield { items: page.items, resourceVersion };
    token = page.continue;
  } while (token);
}

/**
 * The named objects, in the order asked. A task definition named by its family alone (`web`) stands
 * for all its revisions, oldest first, as ECS lists a family.
 */
export async function getNamed(
  client: BerthClient,
  kind: KindName,
  cluster: string,
  names: string[],
): Promise<{ found: BerthObject[]; missing: NotFoundError[] }> {
  const found: BerthObject[] = [];
  const missing: NotFoundError[] = [];
  let revisions: ObjectOf<'TaskDefinition'>[] | undefined;
  for (const name of names) {
    const ref = kind === 'TaskDefinition' ? parseTaskDefinitionRef(name) : undefined;
    if (ref && ref.revision === undefined) {
      revisions ??= (await listAll(client, 'TaskDefinition', { cluster })).items;
      const family = revisions.filter((td) => td.spec.family === ref.family).sort((a, b) => (a.status?.revision ?? 0) - (b.status?.revision ?? 0));
      if (family.length === 0) missing.push(new NotFoundError({ kind, cluster, name }));
      found.push(...family);
      continue;
    }
    const obj = await client.get(kind, { cluster, name });
    if (obj) found.push(obj);
    else missing.push(new NotFoundError({ kind, cluster: kind === 'Cluster' ? name : cluster, name }));
  }
  return { found, missing };
}
