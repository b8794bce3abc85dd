/**
 * create / put / delete expressed as single-key transactions, shared by both backends so their
 * compare-and-swap rules and errors cannot drift apart.
 */
import { AlreadyExistsError, ConflictError } from './errors.js';
import type { DeleteOptions, DeleteResult, PutOptions, TxnOp, TxnOpResult, TxnRequest, TxnResult, WriteResult } from './types.js';

type Txn = (request: TxnRequest) => Promise<TxnResult>;

function modRevisionOf(result: TxnOpResult | undefined): number {
  return result?.type === 'get' ? (result.kv?.modRevision ?? 0) : 0;
}

export async function createViaTxn(txn: Txn, key: string, value: string, lease: string | undefined): Promise<WriteResult> {
  const res = await txn({ compare: [{ key, modRevision: 0 }], success: [{ type: 'put', key, value, lease }], failure: [{ type: 'get', key }] });
  if (!res.succeeded) throw new AlreadyExistsError(key, modRevisionOf(res.results[0]));
  return { revision: res.revision };
}

export async function putViaTxn(txn: Txn, key: string, value: string, options: PutOptions): Promise<WriteResult> {
  const op: TxnOp = { type: 'put', key, value, lease: options.lease };
  const guard = options.ifModRevision;
  if (guard === undefined) return { revision: (await txn({ compare: [], success: [op] })).revision };
  const res = await txn({ compare: [{ key, modRevision: guard }], success: [op], failure: [{ type: 'get', key }] });
  if (!res.succeeded) throw new ConflictError(key, guard, modRevisionOf(res.results[0]));
  return { revision: res.revision };
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
