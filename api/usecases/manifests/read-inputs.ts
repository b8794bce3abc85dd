/**
 * Turns the paths a user gave (`-f FILE|DIR|-`) into manifest texts: a file is read as named; a
 * directory contributes its *.yaml, *.yml and *.json files (recursively with `recursive`), sorted by
 * path so that the order never depends on the file system; `-` is standard input.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ManifestError } from './errors.js';

export const STDIN_PATH = '-';
/** How standard input is named in errors and sources. */
export const STDIN_NAME = '<stdin>';
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

export interface ManifestText {
  file: string;
  text: string;
}

export interface ReadOptions {
  /** Descend into sub-directories of a directory (kubectl's -R). */
  recursive?: boolean;
  /** Where `-` reads from; process.stdin by default. */
  stdin?: AsyncIterable<Buffer | string>;
}

export async function readManifestTexts(paths: readonly string[], options: ReadOptions = {}): Promise<{ texts: ManifestText[]; errors: ManifestError[] }> {
  const texts: ManifestText[] = [];
  const errors: ManifestError[] = [];
  for (const path of paths) {
    try {
      if (path === STDIN_PATH) {
        texts.push({ file: STDIN_NAME, text: await readAll(options.stdin ?? process.stdin) });
        continue;
      }
      const files = (await stat(path)).isDirectory() ? await listManifestFiles(path, options.recursive ?? false) : [path];
      for (const file of files) texts.push({ file, text: await readFile(file, 'utf8') });
    } catch (err) {
      errors.push(new ManifestError({ file: path, line: 0, column: 0, path: '', message: describeIoError(err) }));
    }
  }
  return { texts, errors };
}

/** Every manifest file under `dir`, sorted by path (plain code-unit order, independent of locale). */
export async function listManifestFiles(dir: string, recursive: boolean): Promise<string[]> {
  const found: string[] = [];
  await walk(dir, recursive, found);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function walk(dir: string, recursive: boolean, found: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // Hidden entries (.git, editor swap directories) are never manifests someone meant to apply.
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    // Symbolic links are followed to files only: following linked directories could loop.
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile() === true);
    if (isFile && MANIFEST_EXTENSIONS.includes(extname(entry.name).toLowerCase())) found.push(path);
    else if (entry.isDirectory() && recursive) await walk(path, recursive, found);
  }
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function describeIoError(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  if (code === 'ENOENT') return 'no such file or directory; check the path given to -f';
  if (code === 'EACCES') return 'permission denied; check the file permissions';
  return err instanceof Error ? err.message : String(err);
}
