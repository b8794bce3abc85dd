/**
 * `berth __complete WORD…`: what the completion scripts call. Prints the directive line and the
 * values; never an error (a shell would show it mid-line), so a server it cannot reach just
 * offers no names.
 */
import type { Command } from 'commander';
import { readContextsFile } from '../../api/client/contexts.js';
import { configPath } from '../../api/client/connection.js';
import { connect } from '../commands/connect.js';
import { listAll } from '../commands/actions/objects.js';
import { complete, type NameLookup } from './candidates.js';
import { commandTree } from './tree.js';

export async function runComplete(program: Command, words: string[], out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const flag = (name: string) => {
    const i = words.indexOf(name);
    return i >= 0 && i + 1 < words.length - 1 ? words[i + 1] : undefined;
  };
  let session: ReturnType<typeof connect> | undefined;
  const names: NameLookup = async (kind, cluster) => {
    try {
      session ??= connect({ server: flag('--server'), token: flag('--token'), context: flag('--context'), cluster });
      const listed = await listAll(session.client, kind, { cluster: cluster ?? session.cluster });
      return listed.items.map((o) => o.metadata.name);
    } catch {
      return [];
    }
  };
  const contexts = () => {
    try {
      return readContextsFile(configPath())?.file.contexts.map((c) => c.name) ?? [];
    } catch {
      return [];
    }
  };
  try {
    const result = await complete(commandTree(program), words.length === 0 ? [''] : words, names, contexts);
    out.write(result.kind === 'values' ? [result.kind, ...result.values].join('\n') + '\n' : `${result.kind}\n`);
  } finally {
    session?.close();
  }
}
