/**
 * The client config file as kubectl's kubeconfig has it: named contexts, one per installation (its
 * server, the CA that signed its certificate, the file its token is in, the cluster to work in),
 * and the current one. `berth up` adds its own context; `berth config …` edits them.
 *
 * A file from before contexts (one `{server, token, caFile, cluster}` entry) is read as a single
 * context named `default` with its token inline, and is written back in the new shape only when
 * something edits it, so nothing in it is lost.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The name the single entry of a config file from before contexts gets. */
export const LEGACY_CONTEXT = 'default';

const ContextName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'a context name is letters, digits and . _ @ -, starting with a letter or digit');

export const ContextEntry = z.strictObject({
  name: ContextName,
  server: z.url(),
  /** PEM file of the CA that signed the server's certificate (https servers). */
  caFile: z.string().min(1).optional(),
  /** A file holding the bearer token (`berth up` points at its `<data-dir>/admin.token`). */
  tokenFile: z.string().min(1).optional(),
  /** The token itself: only what a config file from before contexts had. */
  token: z.string().min(1).optional(),
  cluster: z.string().min(1).optional(),
});
export type ContextEntry = z.infer<typeof ContextEntry>;

export const ContextsFile = z
  .strictObject({
    currentContext: ContextName.optional(),
    contexts: z.array(ContextEntry),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.contexts.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['contexts', i, 'name'], message: `context "${c.name}" is listed twice` });
      seen.add(c.name);
    });
  });
export type ContextsFile = z.infer<typeof ContextsFile>;

/** The shape before contexts. */
const LegacyConfig = z.strictObject({
  server: z.url(),
  token: z.string().min(1).optional(),
  caFile: z.string().optional(),
  cluster: z.string().optional(),
});

export interface LoadedConfig {
  file: ContextsFile;
  /** It was in the shape from before contexts (and is shown here converted). */
  legacy: boolean;
}

/** The config file at `path`, or undefined when there is none. */
export function readContextsFile(path: string): LoadedConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); fix it or delete it and run \`berth up\` again`);
  }
  if (typeof raw === 'object' && raw !== null && 'server' in raw) {
    const legacy = LegacyConfig.safeParse(raw);
    if (!legacy.success) throw new ConfigError(`${path}: ${issues(legacy.error)}`);
    const { caFile, cluster, ...rest } = legacy.data;
    const entry = { name: LEGACY_CONTEXT, ...rest, ...(caFile ? { caFile } : {}), ...(cluster ? { cluster } : {}) };
    return { file: { currentContext: LEGACY_CONTEXT, contexts: [entry] }, legacy: true };
  }
  const parsed = ContextsFile.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path}: ${issues(parsed.error)}`);
  return { file: parsed.data, legacy: false };
}

/**
 * The context to use: the one named (by --context or BERTH_CONTEXT), else the current one. A name
 * that is not there is an error; no current context (or none at all) is not: the defaults apply.
 */
export function selectContext(file: ContextsFile | undefined, named: string | undefined, path: string): ContextEntry | undefined {
  if (named !== undefined) {
    const found = file?.contexts.find((c) => c.name === named);
    if (!found)
      throw new ConfigError(
        `there is no context "${named}" in ${path}; its contexts are ${listNames(file)} (\`berth config get-contexts\`; add one with \`berth config set-context\`)`,
      );
    return found;
  }
  if (file?.currentContext === undefined) return undefined;
  return file.contexts.find((c) => c.name === file.currentContext);
}

/** The token of a context: inline, or read from its token file. */
export function contextToken(context: ContextEntry): string | undefined {
  if (context.token !== undefined) return context.token;
  if (context.tokenFile === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(context.tokenFile, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read the token file ${context.tokenFile} of context "${context.name}": ${err instanceof Error ? err.message : String(err)}; ` +
        `fix it with \`berth config set-context ${context.name} --token-file FILE\``,
    );
  }
  const token = text.trim();
  if (token === '') throw new ConfigError(`the token file ${context.tokenFile} of context "${context.name}" is empty`);
  return token;
}

export function listNames(file: ContextsFile | undefined): string {
  const names = file?.contexts.map((c) => c.name) ?? [];
  return names.length === 0 ? 'none' : names.join(', ');
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
