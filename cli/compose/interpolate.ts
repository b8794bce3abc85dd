/**
 * Compose's variable interpolation, applied to every string value of a compose file before it is
 * validated (as `docker compose` does): `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}`,
 * `${VAR:?error}` / `${VAR?error}`, `${VAR:+replacement}` / `${VAR+replacement}`, and `$$` for a
 * literal `$`. The colon forms treat an empty variable as unset. Defaults may hold further
 * variables; an unset variable without a default becomes '' (compose warns; so do we).
 */

export type Lookup = (name: string) => string | undefined;

export class InterpolationError extends Error {
  override readonly name = 'InterpolationError';
  readonly retriable = false;
}

export interface Interpolated {
  value: string;
  /** Variables that were unset and had no default: they became ''. */
  unset: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(text: string, lookup: Lookup): Interpolated {
  const unset: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new InterpolationError(`invalid interpolation format for "${text}": "\${" has no closing "}"`);
      out += braced(text.slice(i + 2, end), lookup, unset, text);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (name === undefined) throw new InterpolationError(`invalid interpolation format for "${text}": write "$$" for a literal "$"`);
      out += valueOf(name, lookup, unset);
      i += 1 + name.length;
    }
  }
  return { value: out, unset };
}

/** Finds the "}" closing a "${" whose body starts at `from`, skipping nested "${…}". */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '$' && text[j + 1] === '{') {
      depth++;
      j++;
    } else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function braced(body: string, lookup: Lookup, unset: string[], whole: string): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) throw new InterpolationError(`invalid interpolation format for "${whole}": "\${${body}}" does not start with a variable name`);
  const rest = body.slice(name.length);
  if (rest === '') return valueOf(name, lookup, unset);
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (op === undefined) throw new InterpolationError(`invalid interpolation format for "${whole}": unknown operator in "\${${body}}"`);
  const arg = () => {
    const inner = interpolate(rest.slice(op.length), lookup);
    unset.push(...inner.unset);
    return inner.value;
  };
  const raw = lookup(name);
  const isSet = op.startsWith(':') ? raw !== undefined && raw !== '' : raw !== undefined;
  switch (op.replace(':', '')) {
    case '-':
      return isSet ? (raw ?? '') : arg();
    case '+':
      return isSet ? arg() : '';
    default: {
      if (isSet) return raw ?? '';
      const message = arg();
      throw new InterpolationError(`required variable ${name} is missing a value${message ? `: ${message}` : ''}`);
    }
  }
}

function valueOf(name: string, lookup: Lookup, unset: string[]): string {
  const value = lookup(name);
  if (value === undefined) unset.push(name);
  return value ?? '';
}
