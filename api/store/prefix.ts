/** Key-range helpers shared by the backends. */

/**
 * The smallest string greater than every string starting with `prefix`, in code-point order (the
 * order of UTF-8 bytes, which is what etcd and SQLite's BINARY collation compare). Undefined for
 * the empty prefix, which has no upper bound.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop() ?? '';
    const code = last.codePointAt(0) ?? 0;
    if (code < 0x10ffff) return points.join('') + String.fromCodePoint(code + 1);
  }
  return undefined;
}
