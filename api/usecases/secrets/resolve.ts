/**
 * Resolving what a task definition asks of secrets — `secrets`, `logConfiguration.secretOptions`,
 * `repositoryCredentials.credentialsParameter`, `environmentFiles` — against the cluster's Secrets,
 * for one task about to start. The API server does it for the agent running the task
 * (api/server/task-secrets-route.ts), so values go from the store to that agent only: never into
 * the task, its definition, its status or a log line.
 *
 * A berth Secret's value, as ECS reads a Secrets Manager secret or SSM parameter:
 *  - one key: that key's value;
 *  - several keys: the JSON object of them all (Secrets Manager's key/value secrets are JSON);
 *  - with a json-key: that key of the Secret, or of the JSON object in a one-key Secret's value.
 * Registry credentials are that value read as JSON {"username", "password"}. An environment file
 * is the Secret's keys as variables; a key whose name ends in `.env` holds a file of `NAME=value`
 * lines (`berth create secret app.env --from-file app.env`).
 */
import { z } from 'zod';
import type { ContainerDefinition } from '../../v1/container-definition.js';
import type { TaskDefinitionSpec } from '../../v1/task-definition.js';
import type { SecretValues } from './seal.js';
import { parseEnvironmentFile, parseValueFrom, type ParsedReference, type SecretReference } from './value-from.js';

const Values = z.record(z.string(), z.string());

export const ContainerSecrets = z.strictObject({
  /** Environment variables from `secrets`. */
  environment: Values,
  /** Log driver options from `logConfiguration.secretOptions`. */
  logOptions: Values,
  /** Environment variables from `environmentFiles`. */
  environmentFiles: Values,
  /** Pull credentials from `repositoryCredentials`. */
  registryAuth: z.strictObject({ username: z.string(), password: z.string() }).optional(),
});
export type ContainerSecrets = z.infer<typeof ContainerSecrets>;

/** A reference that cannot be resolved now. */
export const Unresolved = z.strictObject({
  /** Field path in the task definition, e.g. `containerDefinitions[0].secrets[1].valueFrom`. */
  field: z.string(),
  /** What the definition says. */
  reference: z.string(),
  /** `missing`: no such Secret (yet) or no such key in it: the task waits. `invalid`: the reference itself is wrong: the task cannot start. */
  problem: z.enum(['missing', 'invalid']),
  message: z.string(),
});
export type Unresolved = z.infer<typeof Unresolved>;

/** The answer of the task secrets route (and of LocalClient.taskSecrets): every value, or why not. */
export const TaskSecrets = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), containers: z.record(z.string(), ContainerSecrets) }),
  z.strictObject({ ok: z.literal(false), unresolved: z.array(Unresolved) }),
]);
export type TaskSecrets = z.infer<typeof TaskSecrets>;

/** Reads one Secret's values by name; undefined when there is none. */
export type SecretLookup = (name: string) => Promise<SecretValues | undefined>;

const Credentials = z.object({ username: z.string(), password: z.string() });

/** Whether a definition uses any secret at all (most do not: no round trip for them). */
export function usesSecrets(def: TaskDefinitionSpec): boolean {
  return def.containerDefinitions.some(
    (c) => !!c.secrets?.length || !!c.logConfiguration?.secretOptions?.length || c.repositoryCredentials !== undefined || !!c.environmentFiles?.length,
  );
}

export async function resolveTaskSecrets(def: TaskDefinitionSpec, lookup: SecretLookup): Promise<TaskSecrets> {
  const cache = new Map<string, Promise<SecretValues | undefined>>();
  const read = (name: string) => {
    let hit = cache.get(name);
    if (!hit) cache.set(name, (hit = lookup(name)));
    return hit;
  };
  const unresolved: Unresolved[] = [];
  const containers: Record<string, ContainerSecrets> = {};
  for (const [i, c] of def.containerDefinitions.entries()) containers[c.name] = await resolveContainer(c, `containerDefinitions[${i}]`, read, unresolved);
  return unresolved.length > 0 ? { ok: false, unresolved } : { ok: true, containers };
}

async function resolveContainer(c: ContainerDefinition, at: string, read: SecretLookup, unresolved: Unresolved[]): Promise<ContainerSecrets> {
  const out: ContainerSecrets = { environment: {}, logOptions: {}, environmentFiles: {} };
  const value = async (field: string, reference: string, parsed: ParsedReference): Promise<string | SecretValues | undefined> => {
    if (!parsed.ok) {
      unresolved.push({ field, reference, problem: 'invalid', message: parsed.message });
      return undefined;
    }
    const found = await find(parsed.ref, read);
    if (!found) {
      unresolved.push({
        field,
        reference,
        problem: 'missing',
        message: `secret ${parsed.ref.names.join(' (or ')}${parsed.ref.names.length > 1 ? ')' : ''} not found`,
      });
      return undefined;
    }
    return found.values;
  };
  const single = async (field: string, reference: string): Promise<string | undefined> => {
    const parsed = parseValueFrom(reference);
    const values = await value(field, reference, parsed);
    if (values === undefined || typeof values === 'string' || !parsed.ok) return undefined;
    const picked = pick(values, parsed.ref);
    if (picked.ok) return picked.value;
    unresolved.push({ field, reference, problem: 'missing', message: picked.message });
    return undefined;
  };
  for (const [j, s] of (c.secrets ?? []).entries()) {
    const v = await single(`${at}.secrets[${j}].valueFrom`, s.valueFrom);
    if (v !== undefined) out.environment[s.name] = v;
  }
  for (const [j, s] of (c.logConfiguration?.secretOptions ?? []).entries()) {
    const v = await single(`${at}.logConfiguration.secretOptions[${j}].valueFrom`, s.valueFrom);
    if (v !== undefined) out.logOptions[s.name] = v;
  }
  if (c.repositoryCredentials) {
    const field = `${at}.repositoryCredentials.credentialsParameter`;
    const reference = c.repositoryCredentials.credentialsParameter;
    const v = await single(field, reference);
    if (v !== undefined) {
      const creds = Credentials.safeParse(parseJson(v));
      if (creds.success) out.registryAuth = creds.data;
      else
        unresolved.push({
          field,
          reference,
          problem: 'missing',
          message: `the secret's value is not JSON {"username": …, "password": …} as registry credentials are`,
        });
    }
  }
  for (const [j, f] of (c.environmentFiles ?? []).entries()) {
    const values = await value(`${at}.environmentFiles[${j}].value`, f.value, parseEnvironmentFile(f.value));
    if (values !== undefined && typeof values !== 'string') Object.assign(out.environmentFiles, environmentOf(values));
  }
  return out;
}

async function find(ref: SecretReference, read: SecretLookup): Promise<{ name: string; values: SecretValues } | undefined> {
  for (const name of ref.names) {
    const values = await read(name);
    if (values) return { name, values };
  }
  return undefined;
}

/** The value a reference takes from a Secret's values (see the top of this file). */
export function pick(values: SecretValues, ref: Pick<SecretReference, 'jsonKey'>): { ok: true; value: string } | { ok: false; message: string } {
  const keys = Object.keys(values).sort();
  const text = (k: string) => values[k]?.toString('utf8') ?? '';
  if (ref.jsonKey === undefined) {
    if (keys.length === 0) return { ok: false, message: 'the secret holds no values' };
    const only = keys.length === 1 ? keys[0] : undefined;
    return { ok: true, value: only !== undefined ? text(only) : JSON.stringify(Object.fromEntries(keys.map((k) => [k, text(k)]))) };
  }
  const key = ref.jsonKey;
  if (keys.includes(key)) return { ok: true, value: text(key) };
  const only = keys.length === 1 ? keys[0] : undefined;
  const json = only === undefined ? undefined : parseJson(text(only));
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && Object.hasOwn(json, key)) {
    const member: unknown = (json as Record<string, unknown>)[key];
    return { ok: true, value: typeof member === 'string' ? member : JSON.stringify(member) };
  }
  return { ok: false, message: `the secret has no key "${key}" (its keys: ${keys.join(', ') || 'none'})` };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An environment file's variables: each key, or for a `*.env` key the `NAME=value` lines of its value. */
export function environmentOf(values: SecretValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(values).sort()) {
    const text = values[key]?.toString('utf8') ?? '';
    if (!key.endsWith('.env')) {
      out[key] = text;
      continue;
    }
    for (const line of text.split(/\r?\n/)) {
      // As ECS reads an environment file: NAME=value per line, # comments and blank lines skipped.
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

/** One line for a task's pendingReason or stoppedReason, naming fields and references, never values. */
export function unresolvedReason(unresolved: readonly Unresolved[]): string {
  const shown = unresolved.slice(0, 3).map((u) => `${u.field} (${u.reference}): ${u.message}`);
  const more = unresolved.length > shown.length ? `; and ${unresolved.length - shown.length} more` : '';
  return `${unresolved.some((u) => u.problem === 'invalid') ? 'ResourceInitializationError: cannot resolve secrets' : 'waiting for secrets'}: ${shown.join('; ')}${more}`;
}
