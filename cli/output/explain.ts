/**
 * `berth explain`: walks a kind's JSON Schema — generated at run time from its zod schema (as
 * api/v1/json-schema.ts does for editors), so it always matches validation — down a field path and
 * prints the field as kubectl explain does: type, description, then its fields.
 */
import { z } from 'zod';
import type { KindName } from '../../api/keys.js';
import { API_VERSION, kindSchemas } from '../../api/v1/index.js';

type Schema = { [key: string]: unknown };

export class ExplainError extends Error {
  override readonly name = 'Explain';
  readonly retriable = false;
}

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

export function kindJsonSchema(kind: KindName): Schema {
  return z.toJSONSchema(kindSchemas[kind], { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Schema;
}

/** Follows local `$ref`s and looks through a one-branch-plus-null union, so a field shows what it holds. */
function resolve(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 20 && typeof s.$ref === 'string'; i++) {
    const target = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((at, key) => (isSchema(at) ? at[key] : undefined), root);
    if (!isSchema(target)) break;
    s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) };
  }
  return s;
}

function fieldsOf(schema: Schema, root: Schema): Schema | undefined {
  const s = resolve(schema, root);
  if (isSchema(s.properties)) return s.properties;
  if (s.type === 'array' && isSchema(s.items)) return fieldsOf(s.items, root);
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const branches = s[key];
    if (Array.isArray(branches)) {
      const merged: Schema = {};
      for (const b of branches) if (isSchema(b)) Object.assign(merged, fieldsOf(b, root) ?? {});
      if (Object.keys(merged).length > 0) return merged;
    }
  }
  return undefined;
}

export function typeName(schema: Schema, root: Schema): string {
  const s = resolve(schema, root);
  if (s.type === 'array') return `[]${isSchema(s.items) ? typeName(s.items, root) : 'any'}`;
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.join('|');
  for (const key of ['anyOf', 'oneOf']) {
    const branches = s[key];
    if (Array.isArray(branches)) return [...new Set(branches.filter(isSchema).map((b) => typeName(b, root)))].join('|');
  }
  if (s.const !== undefined) return JSON.stringify(s.const);
  return 'any';
}

/** What a field allows beyond its type: enum values, default, bounds. */
function facts(s: Schema): string {
  const parts: string[] = [];
  if (Array.isArray(s.enum)) parts.push(`one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (s.default !== undefined && !(isSchema(s.default) && Object.keys(s.default).length === 0)) parts.push(`default ${JSON.stringify(s.default)}`);
  // zod's int() gives every integer MAX_SAFE_INTEGER as its bound: that says nothing to a reader.
  const max = typeof s.maximum === 'number' && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (typeof s.minimum === 'number' || max !== undefined)
    parts.push(max === undefined ? `at least ${String(s.minimum)}` : `${String(s.minimum ?? '')}..${max}`);
  return parts.join('; ');
}

export function explain(kind: KindName, path: string[]): string {
  const root = kindJsonSchema(kind);
  let at: Schema = root;
  let required: string[] = [];
  const walked: string[] = [];
  for (const field of path) {
    const fields = fieldsOf(at, root);
    const next = fields?.[field];
    if (!isSchema(next)) {
      const known = fields ? Object.keys(fields).join(', ') : 'none';
      throw new ExplainError(`field "${field}" does not exist in ${[kind, ...walked].join('.')}; its fields are: ${known}`);
    }
    const resolvedAt = resolve(at, root);
    required = Array.isArray(resolvedAt.required) ? resolvedAt.required.filter((r): r is string => typeof r === 'string') : [];
    walked.push(field);
    at = next;
  }
  const s = resolve(at, root);
  const out = [`KIND:     ${kind}`, `VERSION:  ${API_VERSION}`, ''];
  const last = walked.at(-1);
  if (last !== undefined) out.push(`FIELD: ${last} <${typeName(s, root)}>${required.includes(last) ? ' -required-' : ''}`, '');
  out.push('DESCRIPTION:', `  ${typeof s.description === 'string' ? s.description : '<empty>'}`);
  const detail = facts(s);
  if (detail !== '') out.push(`  (${detail})`);
  const fields = fieldsOf(s, root);
  if (fields) {
    const own = resolve(s.type === 'array' && isSchema(s.items) ? s.items : s, root);
    const req = Array.isArray(own.required) ? own.required : [];
    out.push('', 'FIELDS:');
    for (const [name, sub] of Object.entries(fields)) {
      if (!isSchema(sub)) continue;
      const r = resolve(sub, root);
      out.push(`  ${name}\t<${typeName(r, root)}>${req.includes(name) ? ' -required-' : ''}`);
      const text = [typeof r.description === 'string' ? r.description : '', facts(r)].filter((t) => t !== '').join(' ');
      if (text !== '') out.push(`    ${text}`);
    }
  }
  return `${out.join('\n')}\n`;
}
