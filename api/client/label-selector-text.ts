/** A parsed label selector back to its text, for the `labelSelector` query parameter. */
import type { LabelSelector } from '../usecases/resources/label-selector.js';

export function labelSelectorText(selector: string | LabelSelector | undefined): string | undefined {
  if (selector === undefined || typeof selector === 'string') return selector;
  return selector
    .map((r) => {
      switch (r.op) {
        case 'exists':
          return r.key;
        case 'notexists':
          return `!${r.key}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${r.values.join(',')})`;
      }
    })
    .join(',');
}
