/**
 * Editing the contexts of the client config file (api/client/contexts.ts reads them): pure
 * functions from one file to the next, so `berth up` and `berth config …` share one set of rules
 * and they are table-tested without a disk.
 */
import { ConfigError, ContextEntry, listNames, type ContextsFile } from '../api/client/contexts.js';

export const EMPTY_CONFIG: ContextsFile = { contexts: [] };

/** What `berth up` knows of its own installation. */
export interface Installation {
  /** The context name it prefers (derived from its data directory, or given). */
  name: string;
  server: string;
  caFile?: string;
  tokenFile: string;
  /** Its admin token: an entry holding it inline (a config file from before contexts) is this installation. */
  token: string;
}

/**
 * `berth up`'s context: its own entry (found by its token file, or its token inline) is updated in
 * place, keeping its name and cluster; otherwise a new one is added, under `name` or, when another
 * installation has that name, `name-2`, `name-3`…. It becomes current when nothing (that exists)
 * is current, when it already was, or when `makeCurrent`. No other context is ever changed.
 */
export function addInstallation(file: ContextsFile, install: Installation, makeCurrent: boolean): { file: ContextsFile; name: string; current: boolean } {
  const own = file.contexts.find((c) => c.tokenFile === install.tokenFile || (c.token !== undefined && c.token === install.token));
  const name = own?.name ?? freeName(file, install.name);
  const entry: ContextEntry = {
    name,
    server: install.server,
    ...(install.caFile ? { caFile: install.caFile } : {}),
    tokenFile: install.tokenFile,
    ...(own?.cluster ? { cluster: own.cluster } : {}),
  };
  const contexts = own ? file.contexts.map((c) => (c === own ? entry : c)) : [...file.contexts, entry];
  const currentExists = file.contexts.some((c) => c.name === file.currentContext);
  const current = makeCurrent || !currentExists || file.currentContext === name;
  return { file: { currentContext: current ? name : file.currentContext, contexts }, name, current };
}

function freeName(file: ContextsFile, wanted: string): string {
  const taken = new Set(file.contexts.map((c) => c.name));
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.has(`${wanted}-${i}`)) return `${wanted}-${i}`;
}

export interface ContextFields {
  server?: string;
  caFile?: string;
  tokenFile?: string;
  cluster?: string;
}

/** Creates the context (which needs a server) or changes the fields given; a token file replaces an inline token. */
export function setContext(file: ContextsFile, name: string, fields: ContextFields): { file: ContextsFile; created: boolean } {
  const existing = file.contexts.find((c) => c.name === name);
  if (!existing && fields.server === undefined)
    throw new ConfigError(`context "${name}" does not exist yet; give its --server (and --token-file, --ca-file, --cluster)`);
  const base: Partial<ContextEntry> = existing ?? { name };
  const merged = { ...base, ...defined(fields) };
  if (fields.tokenFile !== undefined) delete merged.token;
  const parsed = ContextEntry.safeParse(merged);
  if (!parsed.success) throw new ConfigError(`context "${name}": ${parsed.error.issues.map((i) => `${i.path.join('.') || name}: ${i.message}`).join('; ')}`);
  const contexts = existing ? file.contexts.map((c) => (c === existing ? parsed.data : c)) : [...file.contexts, parsed.data];
  return { file: { ...file, contexts }, created: !existing };
}

export function useContext(file: ContextsFile, name: string): ContextsFile {
  mustHave(file, name);
  return { ...file, currentContext: name };
}

/** Deleting the current context leaves none current: the next command says so rather than picking another installation. */
export function deleteContext(file: ContextsFile, name: string): ContextsFile {
  mustHave(file, name);
  const contexts = file.contexts.filter((c) => c.name !== name);
  return file.currentContext === name ? { contexts } : { ...file, contexts };
}

function mustHave(file: ContextsFile, name: string): void {
  if (!file.contexts.some((c) => c.name === name))
    throw new ConfigError(`there is no context "${name}"; the contexts are ${listNames(file)} (\`berth config get-contexts\`)`);
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
