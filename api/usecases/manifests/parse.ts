/**
 * Splits one file's text into YAML documents, keeping what is needed to point at any node later.
 * JSON goes through the same parser: JSON is YAML 1.2 (flow style), so JSON files get line and column
 * positions, and every syntax error of a file is reported, not only the first.
 */
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { ManifestError } from './errors.js';

export interface ParsedDocument {
  /** 0-based index of the document within its file. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  doc: Document;
  lineCounter: LineCounter;
  /** The document as plain data; undefined when it could not be built (see syntaxErrors). */
  value: unknown;
  syntaxErrors: ManifestError[];
  /** Nothing but comments, or a bare `---`: skipped, as kubectl skips them. */
  empty: boolean;
}

export function parseManifestText(text: string, file: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  // A byte-order mark is invisible in editors and would otherwise become part of the first key.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const docs = parseAllDocuments(source, { lineCounter, prettyErrors: true });
  // parseAllDocuments returns an EmptyStream (not an array) when there is no document at all.
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, index) => toParsed(doc, index, file, lineCounter));
}

function toParsed(doc: Document, index: number, file: string, lineCounter: LineCounter): ParsedDocument {
  const start = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
  const syntaxErrors = doc.errors.map((e) => {
    const { line, col } = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
    return new ManifestError({ file, line, column: col, path: '', message: firstLine(e.message) });
  });
  let value: unknown;
  if (syntaxErrors.length === 0) {
    try {
      value = doc.toJS();
    } catch (err) {
      // e.g. more alias expansions than maxAliasCount allows (a "billion laughs" document).
      const { line, col } = lineCounter.linePos(start);
      const message = err instanceof Error ? err.message : String(err);
      syntaxErrors.push(new ManifestError({ file, line, column: col, path: '', message }));
    }
  }
  const empty = syntaxErrors.length === 0 && (value === null || value === undefined);
  return { index, line: lineCounter.linePos(start).line, doc, lineCounter, value, syntaxErrors, empty };
}

/** The parser's messages end with " at line L, column C:" and a source excerpt; we print positions ourselves. */
function firstLine(message: string): string {
  const head = message.split('\n', 1)[0] ?? message;
  return head.replace(/ at line \d+, column \d+:?$/, '');
}
