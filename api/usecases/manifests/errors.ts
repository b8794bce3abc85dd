/**
 * The one error type of manifest loading: every problem found in a manifest carries the file, the
 * 1-based line and column, the field path and what was expected, so that a user can jump to it.
 */

/** A field path as the user reads it: `spec.containerDefinitions[0].healthCheck.interval`. */
export type FieldPath = readonly (string | number)[];

export interface ManifestErrorLocation {
  file: string;
  /** 1-based; 0 when the problem is about the whole file (e.g. it cannot be read). */
  line: number;
  /** 1-based; 0 when the problem is about the whole file. */
  column: number;
  /** Dotted field path, '' when the problem is not about one field (syntax errors, whole files). */
  path: string;
  message: string;
}

export class ManifestError extends Error implements ManifestErrorLocation {
  override readonly name = 'ManifestError';
  /** A broken manifest stays broken until someone edits it. */
  readonly retriable = false;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;

  constructor(where: ManifestErrorLocation) {
    super(where.message);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.path = where.path;
  }
}

/** `FILE:LINE:COL: PATH: MESSAGE`; the parts that do not apply (no position, no path) are left out. */
export function formatManifestError(e: ManifestErrorLocation): string {
  const where = formatLocation(e);
  return e.path ? `${where}: ${e.path}: ${e.message}` : `${where}: ${e.message}`;
}

/** `warning: FILE:LINE:COL: PATH: MESSAGE`, as validate, apply and gitops print what is accepted but not applied. */
export function formatManifestWarning(w: ManifestErrorLocation): string {
  return `warning: ${formatManifestError(w)}`;
}

/** `FILE:LINE:COL`, or just `FILE` for problems with the whole file. */
export function formatLocation(e: Pick<ManifestErrorLocation, 'file' | 'line' | 'column'>): string {
  return e.line > 0 ? `${e.file}:${e.line}:${e.column}` : e.file;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Renders ['spec', 'containerDefinitions', 0, 'image'] as `spec.containerDefinitions[0].image`. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    // Keys such as label names (`app.kubernetes.io/name`) would be ambiguous after a dot.
    else if (IDENTIFIER.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Orders the errors of one file as an editor lists them: by position. */
export function byPosition(a: ManifestErrorLocation, b: ManifestErrorLocation): number {
  return a.line - b.line || a.column - b.column;
}
