/**
 * Translation between etcd's wire types (as the etcd3 package exposes them) and the Store types,
 * and from etcd3's errors to the store's typed errors.
 */
import { ClientClosedError, EtcdLeaseInvalidError, isRecoverableError, type IKeyValue, type IRequestOp, type IResponseOp } from 'etcd3';
import { InvalidRequestError, LeaseNotFoundError, StoreClosedError, StoreUnavailableError } from './errors.js';
import type { KeyValue, TxnOp, TxnOpResult } from './types.js';

export const COMPACTED_MESSAGE = 'required revision has been compacted';

export function toKv(kv: IKeyValue): KeyValue {
  const out: KeyValue = {
    key: kv.key.toString(),
    value: kv.value.toString(),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
  };
  if (kv.lease && kv.lease !== '0') out.lease = String(kv.lease);
  return out;
}

export function toKvOrUndefined(kv: IKeyValue | null | undefined): KeyValue | undefined {
  return kv ? toKv(kv) : undefined;
}

export function toRequestOp(op: TxnOp, { prevKv } = { prevKv: true }): IRequestOp {
  switch (op.type) {
    case 'put':
      return { request_put: { key: Buffer.from(op.key), value: Buffer.from(op.value), lease: op.lease ?? 0, prev_kv: prevKv } };
    case 'delete':
      return { request_delete_range: { key: Buffer.from(op.key), prev_kv: prevKv } };
    case 'get':
      return { request_range: { key: Buffer.from(op.key) } };
  }
}

export function fromResponseOp(op: TxnOp, res: IResponseOp): TxnOpResult {
  switch (op.type) {
    case 'put': {
      const prev = toKvOrUndefined(res.response_put?.prev_kv);
      return prev ? { type: 'put', key: op.key, prev } : { type: 'put', key: op.key };
    }
    case 'delete': {
      const deleted = Number(res.response_delete_range?.deleted ?? 0) > 0;
      const prev = toKvOrUndefined(res.response_delete_range?.prev_kvs?.[0]);
      return prev ? { type: 'delete', key: op.key, deleted, prev } : { type: 'delete', key: op.key, deleted };
    }
    case 'get': {
      const kv = toKvOrUndefined(res.response_range?.kvs?.[0]);
      return kv ? { type: 'get', key: op.key, kv } : { type: 'get', key: op.key };
    }
  }
}

/** Map an etcd3 error to a store error where one fits; others pass through unchanged. */
export function mapEtcdError(err: unknown, context: { leaseId?: string } = {}): unknown {
  if (!(err instanceof Error)) return err;
  if (err instanceof ClientClosedError) return new StoreClosedError();
  if (err instanceof EtcdLeaseInvalidError || err.message.includes('requested lease not found')) {
    return new LeaseNotFoundError(context.leaseId ?? 'unknown');
  }
  if (
    err.message.includes('is a future revision') ||
    err.message.includes('duplicate key given in txn request') ||
    err.message.includes('too many operations in txn request')
  ) {
    return new InvalidRequestError(err.message);
  }
  // etcd3's fault-handling library (cockatiel) throws a BrokenCircuitError while its breaker is open
  // after failures; that class keeps the name 'Error', so it is known by the marker cockatiel's own
  // isBrokenCircuitError tests.
  if ('isBrokenCircuitError' in err || isRecoverableError(err)) {
    return new StoreUnavailableError(`etcd did not answer (${err.message}); retry shortly`, { cause: err });
  }
  return err;
}
