/** Read, change, write; on a Conflict read again and re-apply the change: both clients' `mutate`. */
import type { KindName } from '../keys.js';
import { ConflictError } from '../resources/errors.js';
import type { BerthClient, ObjectOf, Ref, SubresourceOptions } from './types.js';

export const DEFAULT_MAX_CONFLICT_RETRIES = 20;

export async function mutateWithRetry<K extends KindName>(
  client: Pick<BerthClient, 'mustGet' | 'update' | 'updateStatus'>,
  kind: K,
  ref: Ref,
  change: (obj: ObjectOf<K>) => void,
  options: SubresourceOptions = {},
  maxRetries = DEFAULT_MAX_CONFLICT_RETRIES,
): Promise<ObjectOf<K>> {
  const { subresource, ...writeOptions } = options;
  for (let attempt = 0; ; attempt++) {
    // A copy: `change` must never edit an object someone else (a cache) may hold.
    const copy = structuredClone(await client.mustGet(kind, ref));
    change(copy);
    try {
      return subresource === 'status' ? await client.updateStatus<K>(copy, writeOptions) : await client.update<K>(copy, writeOptions);
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= maxRetries) throw err;
    }
  }
}
