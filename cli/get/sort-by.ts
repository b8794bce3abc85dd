/**
 * `--sort-by`: kubectl's, a JSONPath to one field (`.metadata.name` or `{.status.startedAt}`).
 * Numbers sort by value, anything else as text; objects without the field come last, in list order.
 */
import type { BerthObject } from '../../api/v1/index.js';
import { evaluate, JsonPathTemplateError, parseTemplate, renderValue } from '../output/jsonpath.js';

export function sortBy(objects: BerthObject[], expression: string): BerthObject[] {
  const pieces = parseTemplate(expression);
  const [piece] = pieces;
  if (pieces.length !== 1 || !piece || !('path' in piece))
    throw new JsonPathTemplateError(`--sort-by "${expression}": give one field, e.g. .metadata.name or '{.status.startedAt}'`);
  const keyed = objects.map((o, i) => ({ o, i, key: evaluate(piece.path, o)[0] }));
  const compare = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? a - b : renderValue(a).localeCompare(renderValue(b)));
  return keyed
    .sort((a, b) => {
      const missingA = a.key === undefined || a.key === null;
      const missingB = b.key === undefined || b.key === null;
      if (missingA || missingB) return missingA === missingB ? a.i - b.i : missingA ? 1 : -1;
      return compare(a.key, b.key) || a.i - b.i;
    })
    .map((k) => k.o);
}
