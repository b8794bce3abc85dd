/**
 * What one sync applies, from the loaded directory: every document of every file that is entirely
 * valid, labelled with the set; files with any error are skipped whole (nothing of a file is written
 * unless all of it is valid), and the objects they name are protected from prune, so a typo never
 * deletes a running service. Pure: the same load gives the same plan.
 */
import { isPlainObject } from '../../api/merge-patch.js';
import { ManifestError, toManifestShape, type LoadResult } from '../../api/usecases/manifests/index.js';
import { matchesLabels, type LabelSelector } from '../../api/usecases/resources/label-selector.js';
import { isKindName, type BerthObject } from '../../api/v1/index.js';
import { prepareManifest, type ApplyInput } from '../apply/prepare.js';
import { appliedKey } from '../apply/prune.js';
import { GITOPS_SET_LABEL } from './constants.js';

export interface SkippedFile {
  file: string;
  errors: ManifestError[];
}

export interface SyncPlan {
  /** What to apply, in file order. */
  inputs: ApplyInput[];
  /** `Kind/cluster/name` of each input (task definitions by family): what prune keeps. */
  appliedKeys: Set<string>;
  /** Files with errors: none of their documents is applied. */
  skipped: SkippedFile[];
  /** Prune keeps objects whose source annotation names one of these files… */
  protectedFiles: Set<string>;
  /** …and objects the broken files still name (`Kind/cluster/name`, task definitions by family). */
  protectedKeys: Set<string>;
  /** Valid documents outside the selector: neither applied nor pruned. */
  ignored: number;
}

export interface PlanOptions {
  set: string;
  fieldManager: string;
  defaultCluster: string;
  selector?: LabelSelector;
}

export function planSync(load: LoadResult, options: PlanOptions): SyncPlan {
  const errorsByFile = new Map<string, ManifestError[]>();
  const addError = (e: ManifestError) => errorsByFile.set(e.file, [...(errorsByFile.get(e.file) ?? []), e]);
  for (const e of load.errors) addError(e);

  const candidates: { input: ApplyInput; key: string }[] = [];
  let ignored = 0;
  for (const m of load.manifests) {
    if (!m.ok || errorsByFile.has(m.source.file)) continue;
    if (options.selector && !matchesLabels(options.selector, m.object.metadata.labels)) {
      ignored++;
      continue;
    }
    const input: ApplyInput = { raw: withSetLabel(m.raw, options.set), source: { file: m.source.file, line: m.source.line } };
    try {
      // The apply engine prepares again; doing it here finds what only fails once labelled.
      const prepared = prepareManifest(input, options);
      candidates.push({ input, key: keyOfObject(prepared.object) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      addError(new ManifestError({ file: m.source.file, line: m.source.line, column: 1, path: '', message }));
    }
  }

  const kept = candidates.filter((c) => !errorsByFile.has(c.input.source.file));
  const protectedKeys = new Set<string>();
  for (const m of load.manifests) {
    if (!errorsByFile.has(m.source.file)) continue;
    // From the document as written: a parsed object has the schema's default cluster, not --cluster.
    const key = keyOfRaw(m.raw, options.defaultCluster);
    if (key) protectedKeys.add(key);
  }
  const skipped = [...errorsByFile].map(([file, errors]) => ({ file, errors })).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    inputs: kept.map((c) => c.input),
    appliedKeys: new Set(kept.map((c) => c.key)),
    skipped,
    protectedFiles: new Set(errorsByFile.keys()),
    protectedKeys,
    ignored,
  };
}

/** The document in berth's shape (ECS task definitions wrapped) with the set label added. */
function withSetLabel(raw: unknown, set: string): unknown {
  const shaped = toManifestShape(raw).object;
  if (!isPlainObject(shaped)) return shaped;
  const metadata = isPlainObject(shaped.metadata) ? shaped.metadata : {};
  const labels = isPlainObject(metadata.labels) ? metadata.labels : {};
  return { ...shaped, metadata: { ...metadata, labels: { ...labels, [GITOPS_SET_LABEL]: set } } };
}

export function keyOfObject(o: BerthObject): string {
  if (o.kind === 'TaskDefinition') return appliedKey(o.kind, o.metadata.cluster, o.spec.family);
  return appliedKey(o.kind, o.kind === 'Cluster' ? o.metadata.name : o.metadata.cluster, o.metadata.name);
}

/** Best effort for a document that does not validate: enough of an identity to protect its object. */
function keyOfRaw(raw: unknown, defaultCluster: string): string | undefined {
  const shaped = toManifestShape(raw).object;
  if (!isPlainObject(shaped) || typeof shaped.kind !== 'string' || !isKindName(shaped.kind)) return undefined;
  const metadata = isPlainObject(shaped.metadata) ? shaped.metadata : {};
  const spec = isPlainObject(shaped.spec) ? shaped.spec : {};
  let name = metadata.name;
  // A task definition is named by its family, as `web` or `web:3`, or by spec.family.
  if (shaped.kind === 'TaskDefinition') name = typeof spec.family === 'string' ? spec.family : typeof name === 'string' ? name.split(':')[0] : name;
  if (typeof name !== 'string' || name === '') return undefined;
  const cluster = shaped.kind === 'Cluster' ? name : typeof metadata.cluster === 'string' ? metadata.cluster : defaultCluster;
  return appliedKey(shaped.kind, cluster, name);
}
