/** The `berth config …` context commands: read the config file, change it (cli/contexts.ts), write it back. */
import { resolve } from 'node:path';
import { readContextsFile } from '../../../api/client/contexts.js';
import { renderTable } from '../../output/table.js';
import { ConfigError, configPath, readConfigForEdit, writeConfigFile } from '../../config.js';
import { deleteContext, setContext, useContext } from '../../contexts.js';
import type { SetContextFlags } from '../config.js';

export async function runGetContexts(flags: { output?: string }): Promise<number> {
  if (flags.output !== undefined && flags.output !== 'name')
    throw new ConfigError(`--output "${flags.output}": get-contexts prints a table, or names with -o name`);
  const file = readContextsFile(configPath())?.file;
  const contexts = file?.contexts ?? [];
  if (flags.output === 'name') {
    for (const c of contexts) process.stdout.write(`${c.name}\n`);
    return 0;
  }
  const rows = contexts.map((c) => [
    c.name === file?.currentContext ? '*' : '',
    c.name,
    c.server,
    c.cluster ?? '',
    c.tokenFile ?? (c.token !== undefined ? '(inline token)' : ''),
  ]);
  process.stdout.write(`${renderTable(['CURRENT', 'NAME', 'SERVER', 'CLUSTER', 'TOKEN FILE'], rows).join('\n')}\n`);
  return 0;
}

export async function runCurrentContext(): Promise<number> {
  const current = readContextsFile(configPath())?.file.currentContext;
  if (current === undefined) {
    process.stderr.write(`error: no context is current in ${configPath()}; choose one with \`berth config use-context NAME\`\n`);
    return 1;
  }
  process.stdout.write(`${current}\n`);
  return 0;
}

export async function runUseContext(flags: { name: string }): Promise<number> {
  const path = configPath();
  writeConfigFile(path, useContext(readConfigForEdit(path), flags.name));
  process.stdout.write(`Switched to context "${flags.name}".\n`);
  return 0;
}

export async function runSetContext(flags: SetContextFlags): Promise<number> {
  const path = configPath();
  // Files are kept by absolute path: the config is read from any working directory.
  const abs = (f: string | undefined) => (f === undefined ? undefined : resolve(f));
  const { file, created } = setContext(readConfigForEdit(path), flags.name, {
    server: flags.server,
    caFile: abs(flags.caFile),
    tokenFile: abs(flags.tokenFile),
    cluster: flags.cluster,
  });
  writeConfigFile(path, file);
  process.stdout.write(`Context "${flags.name}" ${created ? 'created' : 'modified'}.\n`);
  return 0;
}

export async function runDeleteContext(flags: { name: string }): Promise<number> {
  const path = configPath();
  const before = readConfigForEdit(path);
  writeConfigFile(path, deleteContext(before, flags.name));
  const note = before.currentContext === flags.name ? '; no context is current now: choose one with `berth config use-context NAME`' : '';
  process.stdout.write(`Deleted context "${flags.name}"${note}.\n`);
  return 0;
}
