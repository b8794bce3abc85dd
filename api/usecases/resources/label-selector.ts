/**
 * Kubernetes label selectors (`app=web,tier!=db,env in (a,b),!legacy,canary`), parsed once and then
 * matched against object labels. Used by list, watch and `apply --prune -l`.
 */
export type Requirement = { op: 'in' | 'notin'; key: string; values: string[] } | { op: 'exists' | 'notexists'; key: string };

export type LabelSelector = Requirement[];

export class LabelSelectorError extends Error {
  override readonly name = 'InvalidLabelSelector';
  /**
   * @param selector the whole selector, quoted in the message
   * @param column 1-based position of the bad term, key or value in `selector`
   */
  constructor(
    readonly selector: string,
    readonly column: number,
    detail: string,
  ) {
    super(`invalid label selector "${selector}": ${detail} at column ${column} (expected e.g. "app=web,tier!=db,env in (prod,staging),!legacy")`);
  }
}

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/;

/** One comma-separated term, trimmed, and the 0-based offset in the selector where it starts. */
interface Term {
  text: string;
  start: number;
}

/** Split on commas that are not inside parentheses. */
function splitTerms(selector: string): Term[] {
  const terms: Term[] = [];
  let depth = 0;
  let from = 0;
  const end = (to: number) => {
    const raw = selector.slice(from, to);
    const text = raw.trim();
    if (text !== '') terms.push({ text, start: from + raw.indexOf(text) });
  };
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      end(i);
      from = i + 1;
    }
  }
  end(selector.length);
  return terms;
}

function parseTerm(selector: string, { text: term, start }: Term): Requirement {
  // Where `part` is written in the term (its first occurrence), as a 1-based column of the selector.
  const columnOf = (part: string) => start + Math.max(0, term.indexOf(part)) + 1;
  const check = (key: string, values: string[] = []) => {
    if (!KEY.test(key)) throw new LabelSelectorError(selector, columnOf(key), `"${key}" is not a valid label key`);
    const bad = values.find((v) => !VALUE.test(v));
    if (bad !== undefined) throw new LabelSelectorError(selector, columnOf(bad), `"${bad}" is not a valid label value`);
  };
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = list
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    check(key, values);
    // As Kubernetes: an empty set is a mistake (it would match nothing, or everything), not a query.
    if (values.length === 0) throw new LabelSelectorError(selector, columnOf('('), `"${op}" needs at least one value`);
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
