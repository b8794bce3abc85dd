/**
 * The apply engine as a library: kubectl-style client-side apply with a last-applied record and a
 * three-way merge, task-definition revisions registered only on change, and label-scoped prune.
 */
export { applyManifests } from './apply-manifests.js';
export type { ApplyInput, PreparedManifest } from './prepare.js';
export { prepareManifest, lastApplied } from './prepare.js';
export { planUpdate } from './apply-object.js';
export { threeWayMergePatch } from './three-way-merge.js';
export { APPLY_ORDER, DEFAULT_FIELD_MANAGER, LAST_APPLIED_ANNOTATION, MANAGED_BY_LABEL, SOURCE_ANNOTATION } from './constants.js';
export { pruneSelector } from './prune.js';
export type { ApplyAction, ApplyOptions, ApplyOutcome, ApplyResult, DryRunMode } from './types.js';
