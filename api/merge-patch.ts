/**
 * JSON Merge Patch (RFC 7386): objects merge recursively, `null` removes a field, anything else
 * (arrays included) replaces. What `PATCH` with `application/merge-patch+json` applies.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setMember(out, key, applyMergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}

/**
 * `object[key] = value` as JSON means it. A member named `__proto__` is ordinary in JSON (JSON.parse
 * and the yaml package make it an own property), but assigning it would set the object's prototype.
 */
function setMember(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
