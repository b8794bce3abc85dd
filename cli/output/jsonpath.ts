/**
 * kubectl's `-o jsonpath=TEMPLATE`: literal text with `{EXPR}` pieces, e.g.
 * `{.items[*].metadata.name}` or `{.metadata.name}{"\n"}`. Supported: `{.path…}` / `{$.path…}`
 * (any JSONPath jsonpath-plus evaluates: `[*]`, `[0]`, `..`, `[?(@.x=="y")]`), `{"literal"}` with
 * `\n` `\t` escapes, and literal text between pieces. Not supported: `{range}`/`{end}` (an error
 * says so). A template without `{` is one expression, as kubectl's custom-columns paths are.
 * Several matches of one expression print space-separated; objects and arrays print as JSON.
 *
 * jsonpath-plus evaluates the paths: a kept library (10.x is the last line supporting Node 20),
 * whose 'safe' evaluator runs filter expressions without `eval`.
 */
import { JSONPath } from 'jsonpath-plus';

export class JsonPathTemplateError extends Error {
  override readonly name = 'JsonPathTemplate';
  readonly retriable = false;
}

type Piece = { text: string } | { path: string } | { literal: string };

export function parseTemplate(template: string): Piece[] {
  if (!template.includes('{')) return [{ path: toJsonPath(template, template) }];
  const pieces: Piece[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      pieces.push({ text: template.slice(i) });
      break;
    }
    if (open > i) pieces.push({ text: template.slice(i, open) });
    const close = closingBrace(template, open);
    if (close < 0) throw new JsonPathTemplateError(`jsonpath template "${template}": unclosed "{" at character ${open + 1}; close each expression with "}"`);
    const inner = template.slice(open + 1, close).trim();
    pieces.push(inner.startsWith('"') ? { literal: unquote(inner, template) } : { path: toJsonPath(inner, template) });
    i = close + 1;
  }
  return pieces;
}

/** The `}` closing the `{` at `open`, skipping brackets and quoted strings (filters may hold `}`). */
function closingBrace(template: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open + 1; i < template.length; i++) {
    const c = template[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === '}' && depth <= 0) return i;
  }
  return -1;
}

function unquote(inner: string, template: string): string {
  if (!/^"(?:[^"\\]|\\.)*"$/.test(inner))
    throw new JsonPathTemplateError(`jsonpath template "${template}": bad string literal {${inner}}; write it as {"text"}`);
  return inner.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

function toJsonPath(expr: string, template: string): string {
  const e = expr.trim();
  if (e === 'range' || e.startsWith('range ') || e === 'end')
    throw new JsonPathTemplateError(`jsonpath template "${template}": {${e}} is not supported; use {.items[*].field} to list a field of every item`);
  if (e === '' || e === '$' || e === '.' || e === '@') return '$';
  if (e.startsWith('$')) return e;
  if (e.startsWith('.') || e.startsWith('[')) return `$${e}`;
  throw new JsonPathTemplateError(`jsonpath template "${template}": expression {${e}} must start with "." or "$", e.g. {.metadata.name}`);
}

/** The values `path` matches in `json` (an empty array when none). */
export function evaluate(path: string, json: unknown): unknown[] {
  const found: unknown = JSONPath({ path, json: json as object, wrap: true, eval: 'safe' });
  return Array.isArray(found) ? found : [];
}

export function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderTemplate(pieces: Piece[], json: unknown): string {
  return pieces
    .map((p) => {
      if ('text' in p) return p.text;
      if ('literal' in p) return p.literal;
      return evaluate(p.path, json).map(renderValue).join(' ');
    })
    .join('');
}
