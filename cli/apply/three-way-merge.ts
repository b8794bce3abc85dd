/**
 * kubectl's client-side three-way merge, for JSON merge patches (RFC 7386): from the configuration
 * applied last time (`original`), the one being applied now (`modified`) and the object as it is
 * (`current`), the patch that makes `current` carry everything `modified` says while
 *  - deleting what `original` said and `modified` no longer does (a field removed from a file is
 *    removed from the object), and
 *  - keeping what others set that neither configuration mentions (status, a desiredCount changed by
 *    `berth scale` when the file does not set one).
 * Arrays are values, as in merge patches: a changed array is replaced whole.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../../api/merge-patch.js';

export type JsonObject = Record<string, unknown>;

/** The merge patch; `{}` when there is nothing to change. */
export function threeWayMergePatch(original: JsonObject | undefined, modified: JsonObject, current: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const [key, value] of Object.entries(modified)) {
    const live = current[key];
    if (value === undefined) continue;
    if (value === null) {
      // `field: null` in a manifest asks for the field to be absent.
      if (live !== undefined) patch[key] = null;
      continue;
    }
    if (isPlainObject(value) && isPlainObject(live)) {
      const before = original?.[key];
      const inner = threeWayMergePatch(isPlainObject(before) ? before : undefined, value, live);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (!isDeepStrictEqual(value, live)) patch[key] = value;
  }
  for (const key of Object.keys(original ?? {})) {
    if (modified[key] !== undefined || current[key] === undefined) continue;
    patch[key] = null;
  }
  return patch;
}

export function isEmptyPatch(patch: JsonObject): boolean {
  return Object.keys(patch).length === 0;
}
