/**
 * Secret: named values that tasks receive (container secrets, log driver secretOptions, registry
 * credentials, environment files) without the values ever sitting in a task definition, a task, a
 * log line or an API answer. Per cluster, like Kubernetes' namespaced Secrets.
 *
 * A write carries the values in `spec.data` (base64, as Kubernetes) and/or `spec.stringData`
 * (plain text; wins over data for the same key). The store never keeps either: the resource layer
 * (api/usecases/secrets/seal.ts) seals them into `spec.sealed` (AES-256-GCM, the key id beside the
 * ciphertext) and records each key's size in `spec.keys`. The API never sends `sealed` back
 * (api/usecases/secrets/public-view.ts), so a reader sees names and sizes only, as `kubectl describe secret`.
 * A write with neither data nor stringData keeps the stored values (a label change does not need
 * them, and no client could send them: no client can read them).
 *
 * The schema's type is `SecretResource`: `Secret` is the container definition's `{name, valueFrom}`.
 */
import { z } from 'zod';
import { defineKind } from './meta.js';

/** Kubernetes' rule for secret keys: what can be a file name and, mostly, an environment variable. */
export const SECRET_KEY_PATTERN = /^[-._a-zA-Z0-9]{1,253}$/;
export const SecretKey = z.string().regex(SECRET_KEY_PATTERN, 'a secret key must be 1-253 letters, digits, "-", "_" or "."');

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const Base64 = z.string().regex(BASE64, 'must be base64 (standard alphabet, padded); put plain text in stringData instead');

/** The sealed values: AES-256-GCM over the JSON of {key: base64 value}, bound to the secret's cluster and name. */
export const SealedValues = z.strictObject({
  /** Which key of the key file sealed them (keys rotate: older ids still open). */
  keyId: z.string().min(1).max(128),
  nonce: Base64,
  tag: Base64,
  ciphertext: Base64,
});
export type SealedValues = z.infer<typeof SealedValues>;

export const SecretSpec = z.strictObject({
  /** Free text, as Kubernetes' (`Opaque`, `kubernetes.io/dockerconfigjson`…); berth does not act on it. */
  type: z.string().min(1).max(253).default('Opaque'),
  /** Input only: values as base64. Never stored, never returned. */
  data: z.record(SecretKey, Base64).optional(),
  /** Input only: values as text. Never stored, never returned. */
  stringData: z.record(SecretKey, z.string()).optional(),
  /** Set by the server: each key's value size in bytes (what `get` and `describe` show). */
  keys: z.record(SecretKey, z.int().min(0)).optional(),
  /** Set by the server: the values, encrypted. Never returned by the API. */
  sealed: SealedValues.optional(),
});
export type SecretSpec = z.infer<typeof SecretSpec>;

export const SecretResource = defineKind('Secret', SecretSpec, z.strictObject({}));
export type SecretResource = z.infer<typeof SecretResource>;
