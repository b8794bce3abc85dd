/**
 * JSON may name a member `__proto__` (JSON.parse and the yaml package make it an own property), but
 * a JavaScript object cannot hold it as data: assigning it sets the prototype. zod therefore skips
 * such a key in every map (labels, annotations, attributes, options, …), so without this check a
 * manifest's `__proto__` label was accepted and silently lost. It is refused instead, at its path.
 */
import { isPlainObject } from '../merge-patch.js';

const RESERVED = '__proto__';
export const RESERVED_KEY_MESSAGE = `the field name "${RESERVED}" cannot be stored (JavaScript reserves it); rename it`;

/**
 * Paths of every `__proto__` member in `value`. Parts that are `known`'s own (the same object at the
 * same place) were checked when `known` was, and are not walked again.
 */
export function reservedKeyPaths(value: unknown, known?: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  // Every write is checked and almost none has one: look first without building a path per member.
  if (!holdsReservedKey(value, known)) return [];
  return pathsOf(value, known, prefix);
}

function holdsReservedKey(value: unknown, known: unknown): boolean {
  if (value === known) return false;
  if (Array.isArray(value)) {
    const before = Array.isArray(known) ? known : [];
    return value.some((item, i) => holdsReservedKey(item, before[i]));
  }
  if (!isPlainObject(value)) return false;
  if (Object.hasOwn(value, RESERVED)) return true;
  const before = isPlainObject(known) ? known : {};
  for (const key of Object.keys(value)) if (holdsReservedKey(value[key], Object.hasOwn(before, key) ? before[key] : undefined)) return true;
  return false;
}

function pathsOf(value: unknown, known: unknown, prefix: (string | number)[]): (string | number)[][] {
  if (value === known) return [];
  const found: (string | number)[][] = [];
  if (Array.isArray(value)) {
    const before = Array.isArray(known) ? known : [];
    for (let i = 0; i < value.length; i++) found.push(...pathsOf(value[i], before[i], [...prefix, i]));
  } else if (isPlainObject(value)) {
    const before = isPlainObject(known) ? known : {};
    if (Object.hasOwn(value, RESERVED)) found.push([...prefix, RESERVED]);
    for (const key of Object.keys(value))
      if (key !== RESERVED) found.push(...pathsOf(value[key], Object.hasOwn(before, key) ? before[key] : undefined, [...prefix, key]));
  }
  return found;
}
