/**
 * `berth apply -f FILE`: a -f file that is a compose file (by name, or a top level with `services:`
 * and no `kind:`) is converted here; every other path goes to the manifest loader unchanged. The
 * converted objects are validated like any manifest, so apply sees no difference.
 */
import { readFile, stat } from 'node:fs/promises';
import { formatManifestError, type LoadedManifest } from '../../api/usecases/manifests/index.js';
import { validateObject } from '../../api/v1/index.js';
import { looksLikeCompose } from './detect.js';
import type { ComposeOptions } from './load.js';

export interface ComposeInputs {
  manifests: LoadedManifest[];
  /** Paths that are not compose files, for the manifest loader. */
  rest: string[];
}

/** undefined when a compose file had errors (already printed). */
export async function takeComposeFiles(
  paths: readonly string[],
  options: ComposeOptions,
  stderr: { write(text: string): unknown },
): Promise<ComposeInputs | undefined> {
  const out: ComposeInputs = { manifests: [], rest: [] };
  let ok = true;
  for (const path of paths) {
    const isFile = path !== '-' && (await stat(path).catch(() => undefined))?.isFile() === true;
    if (!isFile || !looksLikeCompose(path, await readFile(path, 'utf8'))) {
      out.rest.push(path);
      continue;
    }
    // Imported here: the converter and its JSON Schema validator take longer to load than a
    // 100-file apply takes to parse, and most applies hold no compose file.
    const [{ loadComposeFile }, { reportCompose }] = await Promise.all([import('./load.js'), import('./report.js')]);
    const load = await loadComposeFile(path, options);
    if (!reportCompose(load, stderr)) {
      ok = false;
      continue;
    }
    for (const [documentIndex, raw] of load.objects.entries()) {
      const source = { file: path, documentIndex, line: 0, form: 'manifest' as const };
      const result = validateObject(raw);
      if (result.ok) out.manifests.push({ source, raw, ok: true, object: result.object });
      else {
        ok = false;
        for (const issue of result.issues)
          stderr.write(
            `${formatManifestError({ file: path, line: 0, column: 0, path: issue.path.join('.'), message: `converted ${raw.kind} ${raw.metadata.name}: ${issue.message}` })}\n`,
          );
      }
    }
  }
  return ok ? out : undefined;
}
