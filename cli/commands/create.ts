/** `berth create secret NAME --from-literal K=V… --from-file [K=]PATH…` (kubectl's create secret generic). */
import { Command } from 'commander';
import { collect, runLazy, withGlobalOptions, type GlobalFlags } from './global-options.js';

export interface CreateSecretFlags extends GlobalFlags {
  name: string;
  fromLiteral?: string[];
  fromFile?: string[];
  type: string;
  dryRun?: string;
}

export function createCommand(): Command {
  const secret = withGlobalOptions(
    new Command('secret')
      .description('Create a Secret from literal values and files; its values are sealed at rest and never shown again')
      .argument('<name>', 'the Secret\'s name (an SSM path /a/b is the Secret "a.b")')
      .option('--from-literal <key=value>', 'a key and its value (repeatable; note: the value is in your shell history)', collect)
      .option('--from-file <[key=]path>', "a file's content; the key defaults to the file's name (repeatable)", collect)
      .option('--type <type>', "the Secret's type", 'Opaque')
      .option('--dry-run <mode>', 'none, server or client'),
  ).action((name: string, flags: Omit<CreateSecretFlags, 'name'>) => runLazy(() => import('./actions/create-secret.js'), { ...flags, name }));
  return new Command('create').description('Create an object from command-line values').addCommand(secret);
}
