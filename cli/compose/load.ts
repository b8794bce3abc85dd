/**
 * Reads a compose file as `docker compose` does before converting it: YAML, then variable
 * interpolation from the process environment and a `.env` file beside the compose file (the
 * process environment wins), then the Compose Specification's JSON Schema, then env_file contents.
 * Every finding is placed at file:line:column of the key it is about.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ManifestError, formatFieldPath } from '../../api/usecases/manifests/errors.js';
import { positionOf } from '../../api/usecases/manifests/locate.js';
import { type ParsedDocument, parseManifestText } from '../../api/usecases/manifests/parse.js';
import { type Conversion, type ManifestObject, convertCompose } from './convert.js';
import { ComposeCastError, castValue } from './casts.js';
import { envFileEntries } from './env-file.js';
import { InterpolationError, interpolate } from './interpolate.js';
import type { FieldPath, Finding } from './map-service.js';
import { validateComposeSchema } from './schema.js';

export interface ComposeOptions {
  singleTask?: boolean;
  /** Findings that are warnings become errors. */
  strict?: boolean;
  /** Where variables come from; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export interface ComposeLoad {
  file: string;
  objects: ManifestObject[];
  warnings: ManifestError[];
  errors: ManifestError[];
}

export async function loadComposeFile(file: string, options: ComposeOptions = {}): Promise<ComposeLoad> {
  const text = await readFile(file, 'utf8');
  const dir = dirname(resolve(file));
  const dotenv = await readEnvFile(resolve(dir, '.env')).catch((): Record<string, string> => ({}));
  const env = options.env ?? process.env;
  const lookup = (name: string): string | undefined => env[name] ?? dotenv[name];
  return convertText(file, text, dir, lookup, options);
}

async function convertText(file: string, text: string, dir: string, lookup: (n: string) => string | undefined, options: ComposeOptions): Promise<ComposeLoad> {
  const out: ComposeLoad = { file, objects: [], warnings: [], errors: [] };
  const docs = parseManifestText(text, file);
  const parsed = docs[0];
  if (!parsed) return { ...out, errors: [new ManifestError({ file, line: 0, column: 0, path: '', message: 'empty compose file' })] };
  if (parsed.syntaxErrors.length > 0) return { ...out, errors: parsed.syntaxErrors };
  const place = (f: Finding) => at(file, parsed, f.path, f.message);
  const findings: Finding[] = [];
  const value = interpolateTree(parsed.value, [], lookup, findings);
  const checked = validateComposeSchema(value);
  if (!checked.ok)
    return {
      ...out,
      errors: [...findings.filter((f) => f.severity === 'error'), ...checked.issues.map((i) => ({ severity: 'error' as const, ...i }))].map(place),
    };
  const envFiles = new Map<string, Record<string, string>>();
  for (const [name, svc] of Object.entries(checked.compose.services ?? {})) {
    for (const f of envFileEntries(svc.env_file))
      await readEnvFile(resolve(dir, f.path))
        .then((vars) => envFiles.set(f.path, vars))
        .catch((err: unknown) => {
          // `required: false` lets the file be missing, as in compose; one that exists must still be readable.
          if (!f.required && err instanceof Error && 'code' in err && err.code === 'ENOENT') return;
          findings.push({
            severity: 'error',
            path: ['services', name, 'env_file'],
            message: `cannot read env file ${resolve(dir, f.path)}: ${errorText(err)}`,
          });
        });
  }
  const named = checked.compose.name;
  // Compose's default project name is the directory's.
  const project = typeof named === 'string' && named !== '' ? named : basename(dir).toLowerCase();
  const conversion: Conversion = convertCompose(
    checked.compose,
    {
      dir,
      env: lookup,
      envFiles,
      topVolumes: checked.compose.volumes ?? {},
      topSecrets: checked.compose.secrets ?? {},
      topConfigs: checked.compose.configs ?? {},
    },
    { project, singleTask: options.singleTask ?? false },
  );
  findings.push(...conversion.findings);
  for (const f of findings) (f.severity === 'error' || options.strict ? out.errors : out.warnings).push(place(f));
  if (out.errors.length === 0) out.objects = conversion.objects;
  return out;
}

async function readEnvFile(path: string): Promise<Record<string, string>> {
  const vars = parseEnv(await readFile(path, 'utf8'));
  return Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => e[1] !== undefined));
}

function interpolateTree(value: unknown, path: FieldPath, lookup: (n: string) => string | undefined, findings: Finding[]): unknown {
  if (typeof value === 'string') {
    try {
      const r = interpolate(value, lookup);
      for (const name of r.unset) findings.push({ severity: 'warning', path, message: `variable ${name} is not set: it became an empty string` });
      return castValue(path, r.value);
    } catch (err) {
      if (err instanceof ComposeCastError) {
        findings.push({ severity: 'error', path, message: asWritten(value, err.message) });
        return value;
      }
      if (!(err instanceof InterpolationError)) throw err;
      findings.push({ severity: 'error', path, message: err.message });
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v: unknown, i) => interpolateTree(v, [...path, i], lookup, findings));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, [...path, k], lookup, findings)]));
  return value;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The cast error, with the text as written when interpolation changed it. */
function asWritten(written: string, message: string): string {
  return written.includes('$') ? `${message} (written as "${written}")` : message;
}

function at(file: string, parsed: ParsedDocument, path: FieldPath, message: string): ManifestError {
  const { line, column } = positionOf(parsed.doc, parsed.lineCounter, path);
  return new ManifestError({ file, line, column, path: formatFieldPath(path), message });
}
