/**
 * Maps a field path (from a zod issue) back to the YAML node it names, so that an error can say on
 * which line and column the bad field is. When the field is missing, the closest ancestor that does
 * exist is used: a missing `image` is reported where its container starts.
 */
import { type Document, type LineCounter, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { FieldPath } from './errors.js';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export function positionOf(doc: Document, lineCounter: LineCounter, path: FieldPath): Position {
  const offset = offsetOf(doc, path);
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** The source offset of the deepest node along `path` that exists. */
function offsetOf(doc: Document, path: FieldPath): number {
  let node: unknown = doc.contents;
  // Where to point if the walk stops here: a collection is best shown by the key that names it
  // (its own range starts on the next line for block collections), a scalar by its value.
  let offset = startOf(node) ?? doc.range?.[0] ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, segment));
      if (!pair) break;
      const keyOffset = startOf(pair.key);
      const valueOffset = startOf(pair.value);
      node = pair.value;
      // An empty value (`image:`) has an empty range just past the key: point at the key instead.
      const range = isScalar(pair.value) ? pair.value.range : undefined;
      const valueIsWritten = range != null && range[0] !== range[1];
      offset = (valueIsWritten ? valueOffset : keyOffset) ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      node = item;
      offset = startOf(item) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function keyMatches(key: unknown, segment: string | number): boolean {
  if (isScalar(key)) return String(key.value) === String(segment);
  return key === segment;
}

function startOf(node: unknown): number | undefined {
  if (isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)) return node.range?.[0];
  return undefined;
}
