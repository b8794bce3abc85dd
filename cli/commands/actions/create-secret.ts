/**
 * `berth create secret`: the values from --from-literal and --from-file, sent once as base64 `data`
 * (files may be binary), then sealed by the server. Nothing of the values is printed.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SECRET_KEY_PATTERN } from '../../../api/v1/secret.js';
import { API_VERSION } from '../../../api/v1/meta.js';
import type { CreateSecretFlags } from '../create.js';
import { parseDryRun, UsageError } from './apply.js';
import { withSession } from './run.js';

/** Key → value bytes from the flags; a key given twice is refused, as kubectl does. */
export function secretData(
  literals: readonly string[],
  files: readonly string[],
  read: (path: string) => Buffer = (p) => readFileSync(p),
): Record<string, string> {
  const data: Record<string, string> = {};
  const put = (key: string, value: Buffer, flag: string) => {
    if (!SECRET_KEY_PATTERN.test(key)) throw new UsageError(`${flag}: "${key}" is not a valid key (1-253 letters, digits, "-", "_" or ".")`);
    if (Object.hasOwn(data, key)) throw new UsageError(`${flag}: key "${key}" is given twice`);
    data[key] = value.toString('base64');
  };
  for (const literal of literals) {
    const eq = literal.indexOf('=');
    if (eq <= 0) throw new UsageError(`--from-literal "${literal.slice(0, Math.max(eq, 0)) || '…'}": expected KEY=VALUE`);
    put(literal.slice(0, eq), Buffer.from(literal.slice(eq + 1), 'utf8'), '--from-literal');
  }
  for (const spec of files) {
    const eq = spec.indexOf('=');
    const [key, path] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [basename(spec), spec];
    let content: Buffer;
    try {
      content = read(path);
    } catch (err) {
      throw new UsageError(`--from-file ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    put(key, content, `--from-file ${path}`);
  }
  return data;
}

export default function runCreateSecret(flags: CreateSecretFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const data = secretData(flags.fromLiteral ?? [], flags.fromFile ?? []);
    if (Object.keys(data).length === 0) throw new UsageError('give the values with --from-literal KEY=VALUE or --from-file [KEY=]PATH');
    const dryRun = parseDryRun(flags.dryRun);
    const manifest = {
      apiVersion: API_VERSION,
      kind: 'Secret' as const,
      metadata: { name: flags.name, cluster: flags.cluster ?? cluster },
      spec: { type: flags.type, data },
    };
    if (dryRun !== 'client') await client.create(manifest, { dryRun: dryRun === 'server' });
    io.stdout.write(`secret/${flags.name} created${dryRun ? ` (dry run: ${dryRun})` : ''}\n`);
    return 0;
  });
}
