/**
 * Metadata and the object envelope shared by every kind: `{apiVersion, kind, metadata, spec, status}`.
 * Kubernetes-style metadata; `cluster` plays the role of a namespace (ECS's cluster).
 */
import { z } from 'zod';

export const API_VERSION = 'berth.dev/v1';
export const DEFAULT_CLUSTER = 'default';

/** Names: what ECS allows for clusters, families and services, plus `:` for `family:revision`. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$/;
export const Name = z.string().regex(NAME_PATTERN, 'must be 1-255 letters, digits, "-", "_", "." or ":", starting with a letter or digit');

const LabelKey = z.string().min(1).max(317);
/** RFC 3339 timestamps, as JSON carries them; every kind's status uses this one. */
export const Timestamp = z.iso.datetime({ offset: true });

export const OwnerReference = z.strictObject({
  apiVersion: z.literal(API_VERSION).default(API_VERSION),
  kind: z.string().min(1),
  name: Name,
  uid: z.string().min(1),
  controller: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof OwnerReference>;

export const ObjectMeta = z.strictObject({
  name: Name,
  cluster: Name.default(DEFAULT_CLUSTER),
  uid: z.string().optional(),
  /** The store revision at which the object was last written (a string, as in Kubernetes). */
  resourceVersion: z.string().optional(),
  /** Bumped only when spec changes; controllers compare it to status.observedGeneration. */
  generation: z.number().int().nonnegative().optional(),
  labels: z.record(LabelKey, z.string().max(63)).optional(),
  annotations: z.record(LabelKey, z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
  creationTimestamp: Timestamp.optional(),
  deletionTimestamp: Timestamp.optional(),
  finalizers: z.array(z.string().min(1)).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/**
 * Builds the full object schema of a kind from its spec and status schemas, so that every kind has
 * exactly one schema from which types, validation, JSON Schema and store decoding all come.
 */
export function defineKind<K extends string, S extends z.ZodType, St extends z.ZodType>(
  kind: K,
  spec: S,
  status: St,
  /** A kind whose names ECS restricts further than Name (services: no "." or ":"). */
  options: { name?: z.ZodString } = {},
) {
  return z.strictObject({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal(kind),
    metadata: options.name ? ObjectMeta.extend({ name: options.name }) : ObjectMeta,
    spec,
    status: status.optional(),
  });
}
