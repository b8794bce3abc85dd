/**
 * A Secret as the API shows it: names, type and sizes, never the sealed values (nor data or
 * stringData, which are never stored anyway). Every answer the API server sends with an object in
 * it goes through here (object-calls.ts; lists and watches through codec.ts objectJson), whoever
 * asks: not even an admin reads values back — only the agent running a task that uses them, through
 * the task's secrets route (api/server/task-secrets-route.ts).
 */
import type { BerthObject } from '../v1/index.js';

export function publicObject<T extends BerthObject>(obj: T): T {
  if (obj.kind !== 'Secret') return obj;
  const { sealed: _sealed, data: _data, stringData: _stringData, ...spec } = obj.spec;
  return { ...obj, spec };
}
