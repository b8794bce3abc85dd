/**
 * A Secret as anyone but its task's agent sees it: type, key names and sizes, never values — not
 * the sealed ones the store keeps, nor the data/stringData a manifest or a dry run carries. Every
 * answer of the API server with an object in it goes through here (object-calls.ts; lists and
 * watches through codec.ts objectJson), whoever asks: not even an admin reads values back (only
 * the agent running a task that uses them, through api/server/task-secrets-route.ts). `berth diff`
 * compares this view too, so a diff shows keys added, removed or resized, never a value.
 */
import type { BerthObject } from '../../v1/index.js';
import { inputValues } from './seal.js';

export function publicObject<T extends BerthObject>(obj: T): T {
  if (obj.kind !== 'Secret') return obj;
  const { sealed: _sealed, data: _data, stringData: _stringData, keys, ...spec } = obj.spec;
  const given = inputValues(obj.spec);
  const sizes = given
    ? Object.fromEntries(
        Object.keys(given)
          .sort()
          .map((k) => [k, given[k]?.length ?? 0]),
      )
    : keys;
  return { ...obj, spec: { ...spec, ...(sizes ? { keys: sizes } : {}) } };
}
