/**
 * Loads manifests: reads files/directories/stdin, parses every document, validates each against the
 * schema its kind names, and checks the set for duplicates. Nothing stops at the first problem: every
 * error of every file is collected, each with file, line, column and field path.
 */
import { type BerthObject, validateObject } from '../../v1/index.js';
import { unappliedUses } from '../../v1/unapplied-fields.js';
import { type NamedObject, findDuplicates } from './duplicates.js';
import { toManifestShape, type ManifestForm, type ManifestShape } from './ecs-task-definition.js';
import { type FieldPath, ManifestError, type ManifestErrorLocation, byPosition, formatFieldPath } from './errors.js';
import { positionOf } from './locate.js';
import { type ParsedDocument, parseManifestText } from './parse.js';
import { type ManifestText, type ReadOptions, readManifestTexts } from './read-inputs.js';

export interface ManifestSource {
  file: string;
  /** 0-based index of the document within its file. */
  documentIndex: number;
  /** 1-based line where the document starts. */
  line: number;
  form: ManifestForm;
}

export type LoadedManifest =
  { source: ManifestSource; raw: unknown; ok: true; object: BerthObject } | { source: ManifestSource; raw: unknown; ok: false; errors: ManifestError[] };

export interface LoadResult {
  /** Every non-empty document, in file order. */
  manifests: LoadedManifest[];
  /** Every problem: unreadable paths, syntax and schema errors, duplicates; in file order. */
  errors: ManifestError[];
  /**
   * What valid documents ask for that berth accepts but does not do (api/v1/unapplied-fields.ts):
   * one per field per container, located like errors. Callers print them; `--strict` makes them errors.
   */
  warnings: ManifestErrorLocation[];
}

export type LoadOptions = ReadOptions;

export async function loadManifests(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const { texts, errors } = await readManifestTexts(paths, options);
  const loaded = loadTexts(texts);
  return { manifests: loaded.manifests, errors: [...errors, ...loaded.errors], warnings: loaded.warnings };
}

/** The same as loadManifests, for texts already in memory (e.g. an HTTP body, a git blob). */
export function loadTexts(texts: readonly ManifestText[]): LoadResult {
  const manifests: LoadedManifest[] = [];
  const errors: ManifestError[] = [];
  const warnings: ManifestErrorLocation[] = [];
  const named: NamedObject[] = [];
  for (const { file, text } of texts) {
    const fileErrors: ManifestError[] = [];
    const fileWarnings: ManifestErrorLocation[] = [];
    for (const parsed of parseManifestText(text, file)) {
      if (parsed.empty) continue;
      const loaded = loadDocument(file, parsed);
      manifests.push(loaded.manifest);
      fileWarnings.push(...loaded.warnings);
      if (loaded.manifest.ok) named.push({ object: loaded.manifest.object, nameAt: loaded.nameAt });
      else fileErrors.push(...loaded.manifest.errors);
    }
    errors.push(...fileErrors.sort(byPosition));
    warnings.push(...fileWarnings.sort(byPosition));
  }
  errors.push(...findDuplicates(named));
  return { manifests, errors, warnings };
}

function loadDocument(file: string, parsed: ParsedDocument): { manifest: LoadedManifest; nameAt: ManifestError; warnings: ManifestErrorLocation[] } {
  const shape = toManifestShape(parsed.value);
  const source: ManifestSource = { file, documentIndex: parsed.index, line: parsed.line, form: shape.form };
  const locate = (path: FieldPath, message: string) => errorAt(file, parsed, shape, path, message);
  const nameAt = locate(['metadata', 'name'], '');
  if (parsed.syntaxErrors.length > 0) return { manifest: { source, raw: parsed.value, ok: false, errors: parsed.syntaxErrors }, nameAt, warnings: [] };
  const result = validateObject(shape.object);
  const manifest: LoadedManifest = result.ok
    ? { source, raw: parsed.value, ok: true, object: result.object }
    : { source, raw: parsed.value, ok: false, errors: result.issues.map((i) => locate(i.path, i.message)) };
  const uses = result.ok && result.object.kind === 'TaskDefinition' ? unappliedUses(result.object.spec) : [];
  return { manifest, nameAt, warnings: uses.map((u) => locate(u.path, u.message)) };
}

function errorAt(file: string, parsed: ParsedDocument, shape: ManifestShape, path: FieldPath, message: string): ManifestError {
  const inDocument = shape.pathInDocument(path);
  const { line, column } = positionOf(parsed.doc, parsed.lineCounter, inDocument);
  return new ManifestError({ file, line, column, path: formatFieldPath(inDocument), message });
}
