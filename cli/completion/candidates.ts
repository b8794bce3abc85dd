/**
 * What to offer for the word under the cursor, given the words before it: subcommands, flags, flag
 * values, kinds, and object names the server has (through `names`, which the caller backs with a
 * list call). Pure apart from `names`, so the shells' scripts stay a few lines each and all of
 * the logic is table-tested here.
 */
import type { KindName } from '../../api/keys.js';
import { KIND_ALIASES, resolveKind } from '../output/kinds.js';
import type { CommandNode, OptionNode } from './tree.js';

/** `files`/`dirs`: let the shell complete paths; `values`: exactly these words. */
export type Completion = { kind: 'values'; values: string[] } | { kind: 'files' } | { kind: 'dirs' };

/** Names of the objects of a kind in a cluster (undefined: the session's cluster); [] when the server cannot say. */
export type NameLookup = (kind: KindName, cluster: string | undefined) => Promise<string[]>;
/** The context names of the CLI config file (read locally, no server asked). */
export type ContextLookup = () => string[];

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
const OUTPUT_FORMATS = ['wide', 'yaml', 'json', 'name', 'jsonpath=', 'custom-columns='];
const WAIT_CONDITIONS = ['condition=steady', 'delete', 'jsonpath='];
/** Positional argument names that stand for objects of one kind. */
const ARG_KINDS: Record<string, KindName> = {
  task: 'Task',
  tasks: 'Task',
  instance: 'ContainerInstance',
  instances: 'ContainerInstance',
  taskDefinition: 'TaskDefinition',
};
/** Positional argument names that are a kind followed by names of that kind (or KIND/NAME words). */
const KIND_THEN_NAMES = new Set(['kind', 'args']);

interface Parsed {
  node: CommandNode;
  positionals: string[];
  /** The option whose value the current word is, if any. */
  valueOf: OptionNode | undefined;
  cluster: string | undefined;
}

export async function complete(root: CommandNode, words: string[], names: NameLookup, contexts: ContextLookup = () => []): Promise<Completion> {
  const current = words.at(-1) ?? '';
  const parsed = parse(root, words.slice(0, -1));
  const values = (list: string[]): Completion => ({ kind: 'values', values: list.filter((v) => v.startsWith(current)) });
  const lookup = (kind: KindName) => names(kind, parsed.cluster);

  if (parsed.valueOf?.flags.includes('--context')) return values(contexts());
  if (parsed.valueOf) return optionValue(parsed.valueOf, values, lookup);
  if (current.startsWith('-')) return values(parsed.node.options.flatMap((o) => o.flags));
  if (parsed.node.subcommands.length > 0 && parsed.positionals.length === 0) return values(parsed.node.subcommands.map((c) => c.name));

  const { args } = parsed.node;
  const argName = args[Math.min(parsed.positionals.length, args.length - 1)];
  if (argName === undefined) return values([]);
  if (argName === 'shell') return values([...SHELLS]);
  if (argName === 'dir') return { kind: 'dirs' };
  if (argName === 'context') return values(contexts());
  const argKind = ARG_KINDS[argName];
  if (argKind) return values(await lookup(argKind));
  if (argName === 'target') return kindSlashName(current, values, lookup);
  if (KIND_THEN_NAMES.has(args[0] ?? '')) {
    const [kindWord] = parsed.positionals;
    if (kindWord === undefined) return current.includes('/') ? kindSlashName(current, values, lookup) : values([...KIND_ALIASES]);
    const kind = kindOf(kindWord);
    return kind ? values(await lookup(kind)) : current.includes('/') ? kindSlashName(current, values, lookup) : values([]);
  }
  return values([]);
}

function parse(root: CommandNode, before: string[]): Parsed {
  let node = root;
  const positionals: string[] = [];
  let valueOf: OptionNode | undefined;
  let cluster: string | undefined;
  for (const word of before) {
    if (valueOf) {
      if (valueOf.flags.includes('--cluster')) cluster = word;
      valueOf = undefined;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const [flag, inline] = word.split(/=(.*)/s, 2);
      const option = node.options.find((o) => o.flags.includes(flag ?? ''));
      if (option?.flags.includes('--cluster') && inline !== undefined) cluster = inline;
      if (option?.value !== undefined && inline === undefined) valueOf = option;
      continue;
    }
    const sub = positionals.length === 0 ? node.subcommands.find((c) => c.name === word) : undefined;
    if (sub) node = sub;
    else positionals.push(word);
  }
  return { node, positionals, valueOf, cluster };
}

async function optionValue(option: OptionNode, values: (list: string[]) => Completion, lookup: (kind: KindName) => Promise<string[]>): Promise<Completion> {
  if (option.flags.includes('--output')) return values(OUTPUT_FORMATS);
  if (option.flags.includes('--cluster')) return values(await lookup('Cluster'));
  if (option.flags.includes('--for')) return values(WAIT_CONDITIONS);
  if (option.flags.includes('--instance')) return values(await lookup('ContainerInstance'));
  if (/dir/i.test(option.value ?? '')) return { kind: 'dirs' };
  if (/file|path/i.test(option.value ?? '')) return { kind: 'files' };
  return values([]);
}

/** `svc/` → `svc/web`, `svc/api`; before the slash, the kinds with a slash. */
async function kindSlashName(current: string, values: (list: string[]) => Completion, lookup: (kind: KindName) => Promise<string[]>): Promise<Completion> {
  const slash = current.indexOf('/');
  if (slash < 0) return values(KIND_ALIASES.map((k) => `${k}/`));
  const prefix = current.slice(0, slash);
  const kind = kindOf(prefix);
  return kind ? values((await lookup(kind)).map((n) => `${prefix}/${n}`)) : values([]);
}

function kindOf(word: string): KindName | undefined {
  try {
    return resolveKind(word);
  } catch {
    return undefined;
  }
}
