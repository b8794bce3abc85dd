/**
 * After interpolation every `${VAR}` is a string, but the compose schema wants numbers and booleans
 * in some places (`replicas: ${N}`). As `docker compose` does (compose-go's interpolation casts),
 * strings at the paths below are turned into the type the schema wants before validation; a string
 * that is not of that type is an error naming the field. Pure, so it is table-tested.
 */
import type { FieldPath } from './map-service.js';

export type Cast = 'integer' | 'number' | 'boolean';

/** Path patterns (`*` is any one key or index) and the type the schema wants there. */
const CASTS: [string, Cast][] = [
  ['services.*.deploy.replicas', 'integer'],
  ['services.*.scale', 'integer'],
  ['services.*.healthcheck.retries', 'number'],
  ['services.*.ulimits.*', 'integer'],
  ['services.*.ulimits.*.soft', 'integer'],
  ['services.*.ulimits.*.hard', 'integer'],
  ['services.*.ports.*.target', 'integer'],
  ['services.*.cpu_count', 'integer'],
  ['services.*.cpu_percent', 'integer'],
  ['services.*.mem_swappiness', 'integer'],
  ['services.*.oom_score_adj', 'integer'],
  ['services.*.init', 'boolean'],
  ['services.*.privileged', 'boolean'],
  ['services.*.read_only', 'boolean'],
  ['services.*.tty', 'boolean'],
  ['services.*.stdin_open', 'boolean'],
  ['services.*.oom_kill_disable', 'boolean'],
  ['services.*.healthcheck.disable', 'boolean'],
  ['services.*.env_file.*.required', 'boolean'],
  ['services.*.volumes.*.read_only', 'boolean'],
  ['volumes.*.external', 'boolean'],
  ['secrets.*.external', 'boolean'],
  ['configs.*.external', 'boolean'],
];

export class ComposeCastError extends Error {
  override readonly name = 'ComposeCastError';
  readonly retriable = false;
}

export function castFor(path: FieldPath): Cast | undefined {
  return CASTS.find(([pattern]) => {
    const parts = pattern.split('.');
    return parts.length === path.length && parts.every((p, i) => p === '*' || p === String(path[i]));
  })?.[1];
}

/** The value as the schema wants it at `path`; throws ComposeCastError for a string that is not of that type. */
export function castValue(path: FieldPath, value: string): string | number | boolean {
  const cast = castFor(path);
  if (cast === undefined) return value;
  const text = value.trim();
  if (cast === 'boolean') {
    // YAML 1.1's spellings, as compose accepts them.
    if (/^(true|yes|y|on)$/i.test(text)) return true;
    if (/^(false|no|n|off)$/i.test(text)) return false;
    throw new ComposeCastError(`"${value}" is not a boolean; use true or false`);
  }
  const pattern = cast === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
  if (!pattern.test(text)) throw new ComposeCastError(`"${value}" is not ${cast === 'integer' ? 'an integer' : 'a number'}`);
  return Number(text);
}
