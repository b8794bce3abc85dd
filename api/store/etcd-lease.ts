/** A Store lease backed by etcd3's Lease (which runs the keep-alive stream for us). */
import type { Etcd3, Lease as Etcd3Lease } from 'etcd3';
import { mapEtcdError } from './etcd-codec.js';
import { LeaseNotFoundError } from './errors.js';
import type { StoreLease, LeaseOptions } from './types.js';

export async function grantEtcdLease(client: Etcd3, ttlSeconds: number, options: LeaseOptions = {}): Promise<StoreLease> {
  const inner = client.lease(ttlSeconds, { autoKeepAlive: options.autoKeepAlive ?? true });
  let id: string;
  try {
    id = await inner.grant();
  } catch (err) {
    inner.release();
    throw mapEtcdError(err);
  }
  return new EtcdLease(inner, id, ttlSeconds);
}

class EtcdLease implements StoreLease {
  readonly lost: Promise<void>;

  constructor(
    private readonly inner: Etcd3Lease,
    readonly id: string,
    readonly ttlSeconds: number,
  ) {
    this.lost = new Promise((resolve) => inner.once('lost', () => resolve()));
  }

  async keepAlive(): Promise<void> {
    let res;
    try {
      res = await this.inner.keepaliveOnce();
    } catch (err) {
      throw mapEtcdError(err, { leaseId: this.id });
    }
    // etcd answers a keep-alive of an unknown lease with TTL 0 rather than an error.
    if (Number(res.TTL) <= 0) throw new LeaseNotFoundError(this.id);
  }

  async revoke(): Promise<void> {
    try {
      await this.inner.revoke();
    } catch (err) {
      const mapped = mapEtcdError(err, { leaseId: this.id });
      // Revoking is "make sure it is gone": already gone is success.
      if (!(mapped instanceof LeaseNotFoundError)) throw mapped;
    }
  }

  release(): void {
    this.inner.release();
  }
}
