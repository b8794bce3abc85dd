/**
 * Lease: who holds a named leadership, as Kubernetes' coordination.k8s.io/v1 Lease. Controllers
 * that run outside berth's server (extensions) elect one leader among their replicas through it:
 * each write is a compare-and-swap on resourceVersion through the API, so of two replicas that
 * try at once exactly one wins. The holder renews `renewTime`; others take it over only once they
 * have seen no renewal for `leaseDurationSeconds` on their own clocks (so clock skew cannot steal
 * a lease that is being renewed). Spec only: there is nothing to observe.
 */
import { z } from 'zod';
import { Count } from './common.js';
import { defineKind, Timestamp } from './meta.js';

export const LeaseSpec = z.strictObject({
  /** Who holds it (e.g. host:pid); absent when released. */
  holderIdentity: z.string().min(1).max(253).optional(),
  /** How long after the last renewal others may take the lease over. */
  leaseDurationSeconds: z.number().int().min(1).max(3600),
  /** When the current holder acquired it. */
  acquireTime: Timestamp.optional(),
  /** When the current holder last renewed it. */
  renewTime: Timestamp.optional(),
  /** How many times it changed hands. */
  leaseTransitions: Count.optional(),
});
export type LeaseSpec = z.infer<typeof LeaseSpec>;

export const Lease = defineKind('Lease', LeaseSpec, z.strictObject({}));
export type Lease = z.infer<typeof Lease>;
