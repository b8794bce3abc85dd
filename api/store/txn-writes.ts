/**
 * delete expressed as a single-key transaction, shared by both backends so its compare-and-swap
 * rule and errors cannot drift apart (create and put go through group-commit.ts).
 */
import { ConflictError } from './errors.js';
import type { DeleteOptions, DeleteResult, TxnOpResult, TxnRequest, TxnResult } from './types.js';

type Txn = (request: TxnRequest) => Promise<TxnResult>;

function modRevisionOf(result: TxnOpResult | undefined): number {
  return result?.type === 'get' ? (result.kv?.modRevision ?? 0) : 0;
}

export async function deleteViaTxn(txn: Txn, key: string, options: DeleteOptions): Promise<DeleteResult> {
  const guard = options.ifModRevision;
  const res = await txn({
    compare: guard === undefined ? [] : [{ key, modRevision: guard }],
    success: [{ type: 'delete', key }],
    failure: [{ type: 'get', key }],
  });
  const result = res.results[0];
  if (!res.succeeded) throw new ConflictError(key, guard ?? 0, modRevisionOf(result));
  if (result?.type !== 'delete') throw new Error(`delete of ${key} returned no delete result`);
  const out: DeleteResult = { revision: res.revision, deleted: result.deleted };
  if (result.prev) out.prev = result.prev;
  return out;
}
