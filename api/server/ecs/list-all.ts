/** Every object of a kind (in one cluster, or the account), page by page: ECS's lists filter and sort what berth's list returns. */
import type { ObjectOf } from '../../client/types.js';
import type { KindName } from '../../keys.js';
import type { CallerClient } from './caller-client.js';

const PAGE = 500;

export async function listAll<K extends KindName>(client: CallerClient, kind: K, cluster?: string): Promise<ObjectOf<K>[]> {
  const items: ObjectOf<K>[] = [];
  let token: string | undefined;
  do {
    const result = await client.list(kind, { cluster, limit: PAGE, continue: token });
    items.push(...result.items);
    token = result.continue;
  } while (token);
  return items;
}
