/** Read, change, write; on a Conflict read again and re-apply the change: both clients' `mutate`. */
import type { KindName } from '../keys.js';
import { ConflictError } from '../usecases/resources/errors.js';
import { isDeepStrictEqual } from 'node:util';
import type { BerthClient, Mutated, ObjectOf, Ref, SubresourceOptions } from './types.js';

export const DEFAULT_MAX_CONFLICT_RETRIES = 20;

export async function mutateWithRetry<K extends KindName>(
  client: Pick<BerthClient, 'mustGet' | 'update' | 'updateStatus'>,
  kind: K,
  ref: Ref,
  change: (obj: ObjectOf<K>) => void,
  options: SubresourceOptions = {},
  maxRetries = DEFAULT_MAX_CONFLICT_RETRIES,
): Promise<Mutated<K>> {
  const { subresource, ...writeOptions } = options;
  for (let attempt = 0; ; attempt++) {
    const read = await client.mustGet(kind, ref);
    // A copy: `change` must never edit an object someone else (a cache) may hold.
    const copy = structuredClone(read);
    change(copy);
    try {
      const object = subresource === 'status' ? await client.updateStatus<K>(copy, writeOptions) : await client.update<K>(copy, writeOptions);
      // The server writes nothing for a change that changes nothing, so the version tells; a dry run
      // writes nothing either way, so there the result itself is compared.
      const changed = writeOptions.dryRun ? !isDeepStrictEqual(object, read) : object.metadata.resourceVersion !== read.metadata.resourceVersion;
      return { object, changed };
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= maxRetries) throw err;
    }
  }
}
