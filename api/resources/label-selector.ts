/**
 * Kubernetes label selectors (`app=web,tier!=db,env in (a,b),!legacy,canary`), parsed once and then
 * matched against object labels. Used by list, watch and `apply --prune -l`.
 */
export type Requirement =
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type LabelSelector = Requirement[];

export class LabelSelectorError extends Error {
  override readonly name = 'InvalidLabelSelector';
  constructor(selector: string, detail: string) {
    super(`invalid label selector "${selector}": ${detail} (expected e.g. "app=web,tier!=db,env in (prod,staging),!legacy")`);
  }
}

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/;

/** Split on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  terms.push(current.trim());
  return terms.filter((t) => t !== '');
}

function parseTerm(selector: string, term: string): Requirement {
  const check = (key: string, values: string[] = []) => {
    if (!KEY.test(key)) throw new LabelSelectorError(selector, `"${key}" is not a valid label key`);
    const bad = values.find((v) => !VALUE.test(v));
    if (bad !== undefined) throw new LabelSelectorError(selector, `"${bad}" is not a valid label value`);
  };
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim()).filter((v) => v !== '');
    check(key, values);
    return { op: op === 'in' ? 'in' : 'notin', key, values };
  }
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (eq) {
    const [, key = '', op, value = ''] = eq;
    check(key, [value]);
    return { op: op === '!=' ? 'notin' : 'in', key, values: [value] };
  }
  if (term.startsWith('!')) {
    const key = term.slice(1).trim();
    check(key);
    return { op: 'notexists', key };
  }
  check(term);
  return { op: 'exists', key: term };
}

export function parseLabelSelector(selector: string): LabelSelector {
  return splitTerms(selector).map((term) => parseTerm(selector, term));
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  return selector.every((r) => {
    const value = labels?.[r.key];
    switch (r.op) {
      case 'exists':
        return value !== undefined;
      case 'notexists':
        return value === undefined;
      case 'in':
        return value !== undefined && r.values.includes(value);
      case 'notin':
        return value === undefined || !r.values.includes(value);
    }
  });
}
