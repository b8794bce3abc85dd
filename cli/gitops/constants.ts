/**
 * What identifies a GitOps set: its objects carry the managed-by label `berth-gitops` (so `berth
 * apply --prune` never touches them) and the set label with the set's name (so two watchers of
 * different directories never prune each other's objects). Its sync status is an annotation on a
 * Cluster object, readable from any machine through the API.
 */
import { basename, resolve } from 'node:path';

export const GITOPS_FIELD_MANAGER = 'berth-gitops';
export const GITOPS_SET_LABEL = 'berth.dev/gitops-set';
export const STATUS_ANNOTATION_PREFIX = 'gitops.berth.dev/status.';

/** Label values are at most 63 characters; set names must also be usable in an annotation key. */
const SET_NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

export class SetNameError extends Error {
  override readonly name = 'SetNameError';
  readonly retriable = false;
}

export function statusAnnotation(set: string): string {
  return `${STATUS_ANNOTATION_PREFIX}${set}`;
}

/** `--name` as given (checked), or the directory's base name made into a valid set name. */
export function setName(dir: string, explicit: string | undefined): string {
  if (explicit !== undefined) {
    if (!SET_NAME.test(explicit))
      throw new SetNameError(`invalid --name "${explicit}": use 1-63 lower-case letters, digits, ".", "_" or "-", starting and ending with a letter or digit`);
    return explicit;
  }
  const derived = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (!SET_NAME.test(derived)) throw new SetNameError(`cannot derive a set name from the directory "${dir}": pass --name NAME`);
  return derived;
}
