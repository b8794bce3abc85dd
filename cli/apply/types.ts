/** The apply engine's options and results, shared by `berth apply`, `berth diff` and GitOps. */
import type { KindName } from '../../api/keys.js';
import type { BerthObject } from '../../api/v1/index.js';

/** server: the API validates and computes, stores nothing (`?dryRun=All`); client: no write calls at all. */
export type DryRunMode = 'server' | 'client' | undefined;

export interface ApplyOptions {
  dryRun?: DryRunMode;
  /** Delete (task definitions: deregister) managed objects matching `selector` that were not applied. */
  prune?: boolean;
  /** A label selector limiting prune; objects must also carry this field manager's managed-by label. */
  selector?: string;
  /** The managed-by label value; prune only ever touches objects with the same value. */
  fieldManager?: string;
  /** The cluster of manifests that name none (default: `default`). */
  defaultCluster?: string;
  /** The clusters prune looks in (default: those of the applied objects, and defaultCluster). */
  pruneClusters?: string[];
}

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'pruned' | 'deregistered' | 'failed';

export interface ApplyResult {
  kind: KindName;
  cluster: string;
  /** The object's name; for task definitions the revision (`web:4`) once known, else the family. */
  name: string;
  action: ApplyAction;
  source?: { file: string; line: number };
  /** The object before (absent when created). */
  before?: BerthObject;
  /** The object as written, or as it would be (dry runs). */
  after?: BerthObject;
  error?: Error;
  /** Something the user should know about how it was applied (printed after the line). */
  note?: string;
}

export interface ApplyOutcome {
  results: ApplyResult[];
  /** False when any object failed; nothing is pruned then. */
  ok: boolean;
}
