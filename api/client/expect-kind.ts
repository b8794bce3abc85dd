/** Narrowing a written or received object to the kind the caller asked for. */
import type { KindName } from '../keys.js';
import { isOfKind, type ObjectOf } from '../usecases/resources/codec.js';
import type { BerthObject } from '../v1/index.js';

export function expectKind<K extends KindName>(object: BerthObject, kind: K): ObjectOf<K> {
  if (isOfKind(object, kind)) return object;
  throw new Error(`internal: expected a ${kind}, got a ${object.kind}`);
}
