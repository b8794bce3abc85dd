/**
 * From a manifest as written to what apply sends: the berth shape (ECS task definitions wrapped),
 * the default cluster filled in where the file names none, status dropped (it is observed, never
 * applied), and the managed-by label, source annotation and last-applied record added. Pure.
 */
import { isPlainObject } from '../../api/merge-patch.js';
import { toManifestShape } from '../../api/usecases/manifests/index.js';
import type { KindName } from '../../api/keys.js';
import { InvalidError } from '../../api/usecases/resources/errors.js';
import { validateObject, type BerthObject } from '../../api/v1/index.js';
import { canonicalJson } from './canonical-json.js';
import { LAST_APPLIED_ANNOTATION, MANAGED_BY_LABEL, SOURCE_ANNOTATION } from './constants.js';
import type { JsonObject } from './three-way-merge.js';

export interface ApplyInput {
  /** The document as parsed from its file (a LoadedManifest's `raw`). */
  raw: unknown;
  source: { file: string; line: number };
}

export interface PreparedManifest {
  kind: KindName;
  cluster: string;
  /** For a TaskDefinition: its family. */
  name: string;
  /** What is sent: the manifest as written plus berth's label and annotations. */
  applied: JsonObject;
  /** `applied` through the kind's schema: defaults filled, units normalized. */
  object: BerthObject;
  source: ApplyInput['source'];
}

/** Set by the server or observed; never part of what a file applies. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp'];

export function prepareManifest(input: ApplyInput, options: { fieldManager: string; defaultCluster: string }): PreparedManifest {
  const shaped = toManifestShape(input.raw).object;
  const written = isPlainObject(shaped) ? structuredClone(shaped) : {};
  delete written.status;
  const metadata = isPlainObject(written.metadata) ? { ...written.metadata } : {};
  for (const key of SERVER_METADATA) delete metadata[key];
  if (written.kind !== 'Cluster' && metadata.cluster === undefined) metadata.cluster = options.defaultCluster;
  const labels = isPlainObject(metadata.labels) ? metadata.labels : {};
  const annotations = isPlainObject(metadata.annotations) ? { ...metadata.annotations } : {};
  delete annotations[LAST_APPLIED_ANNOTATION];
  metadata.labels = { ...labels, [MANAGED_BY_LABEL]: options.fieldManager };
  const withSource = { ...annotations, [SOURCE_ANNOTATION]: `${input.source.file}:${input.source.line}` };
  metadata.annotations = withSource;
  const applied: JsonObject = { ...written, metadata };
  // Revisions are immutable and compared by spec, so a task definition needs no last-applied record.
  if (written.kind !== 'TaskDefinition') metadata.annotations = { ...withSource, [LAST_APPLIED_ANNOTATION]: canonicalJson(recordOf(applied)) };

  const result = validateObject(applied);
  if (!result.ok) {
    const name = isPlainObject(metadata) && typeof metadata.name === 'string' ? metadata.name : '(unnamed)';
    throw new InvalidError({ kind: String(written.kind), cluster: String(metadata.cluster ?? options.defaultCluster), name }, result.issues);
  }
  const object = result.object;
  const name = object.kind === 'TaskDefinition' ? object.spec.family : object.metadata.name;
  const cluster = object.kind === 'Cluster' ? object.metadata.name : object.metadata.cluster;
  return { kind: object.kind, cluster, name, applied, object, source: input.source };
}

/**
 * What the last-applied record keeps of `applied`: all of it, except a Secret's values. kubectl
 * keeps them there (readable by anyone who can read the Secret); berth drops them. The record then
 * never names data or stringData, so the three-way merge sends them whole on every apply, and the
 * server keeps the stored seal when they are the same values (api/usecases/secrets/seal.ts).
 */
function recordOf(applied: JsonObject): JsonObject {
  if (applied.kind !== 'Secret' || !isPlainObject(applied.spec)) return applied;
  const { data: _data, stringData: _stringData, ...spec } = applied.spec;
  return { ...applied, spec };
}

/** The last-applied record of a live object, if it has a readable one. */
export function lastApplied(live: BerthObject): JsonObject | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    // Hand-edited into something unreadable: behave as kubectl does without a record (no deletions).
    return undefined;
  }
}
