/**
 * Equality as JSON sees it: what `JSON.stringify` of each would store is the same, up to key order.
 * Properties whose value is undefined count as absent (JSON drops them), arrays compare in order.
 * For "would this write change anything" checks on plain data, without encoding both sides: a JSON
 * round trip of each side per check was a visible share of a busy controller's allocation.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON writes undefined array elements as null.
    return a.every((item, i) => jsonEqual(item ?? null, b[i] ?? null));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // for-in, not Object.keys: no key arrays on a path that runs per write. Plain data: own keys only.
  let defined = 0;
  for (const key in left) {
    if (left[key] === undefined) continue;
    defined++;
    if (!jsonEqual(left[key], right[key])) return false;
  }
  for (const key in right) if (right[key] !== undefined) defined--;
  return defined === 0;
}
