/** Rules every backend applies to a transaction before running it, so both reject the same things. */
import { InvalidRequestError } from './errors.js';
import { MAX_TXN_OPS, type TxnOp } from './types.js';

/** etcd rejects a transaction that writes one key twice or carries too many ops; so does SQLite. */
export function assertDistinctWrites(ops: TxnOp[], maxOps = MAX_TXN_OPS): void {
  if (ops.length > maxOps) {
    throw new InvalidRequestError(`transaction has ${ops.length} ops, more than ${maxOps}; split it (putMany batches for you)`);
  }
  const seen = new Set<string>();
  for (const op of ops) {
    if (op.type === 'get') continue;
    if (seen.has(op.key)) throw new InvalidRequestError(`transaction writes ${op.key} more than once; write each key once`);
    seen.add(op.key);
  }
}
