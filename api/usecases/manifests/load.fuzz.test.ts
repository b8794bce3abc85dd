/**
 * Property tests of manifest loading (what `berth apply`, `validate` and gitops read):
 * - any text, however broken, loads without throwing, and every error it reports names a line and
 *   column inside the text;
 * - an object written as YAML or as JSON gets the same verdict as validating the object itself, with
 *   the same field paths and messages in both forms, each at the line where that field is written.
 */
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fuzzParams, fuzzTimeout } from '../../../test/support/fuzz.js';
import { CORPUS, getAt, mutantOf, objectInput, pathsOf } from '../../../test/support/fuzz-objects.js';
import { validateObject } from '../../v1/index.js';
import { formatFieldPath, type ManifestError } from './errors.js';
import { loadTexts } from './load.js';
import { toManifestShape } from './ecs-task-definition.js';

const FILE = 'fuzz.yaml';

function expectInside(text: string, errors: readonly ManifestError[]): void {
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const e of errors) {
    const where = `${e.line}:${e.column} ${e.path}: ${e.message}`;
    expect(e.name).toBe('ManifestError');
    expect(e.file).toBe(FILE);
    expect(e.message.trim(), where).not.toBe('');
    expect(e.line, where).toBeGreaterThanOrEqual(1);
    expect(e.line, where).toBeLessThanOrEqual(lines + 1);
    expect(e.column, where).toBeGreaterThanOrEqual(1);
  }
}

const YAML_TOKENS = [
  'apiVersion: berth.dev/v1',
  'kind: Service',
  'metadata:',
  '  name: web',
  'spec:',
  '  desiredCount: 3',
  '- ',
  ': ',
  '---',
  '...',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a ',
  '*a',
  '!!str ',
  '!!binary ',
  '? ',
  '|',
  '>',
  '"',
  "'",
  '#',
  '%YAML 1.2',
  '\t',
  '  ',
  '\n',
  '\r\n',
  '\uFEFF',
  '<<: *a',
  '~',
  'null',
  '0x1F',
  '1e3',
  '.inf',
];
const yamlSoup = fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 25 }).map((t) => t.join(''));

/** A valid manifest's text with a few characters cut out or put in. */
const damaged = fc
  .tuple(
    fc.constantFrom(...CORPUS),
    fc.boolean(),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('', ':', '-', ' ', '\n', '"', '{', '[', '\t', '&', '*', '!')), { minLength: 1, maxLength: 3 }),
  )
  .map(([object, asJson, edits]) => {
    let text = asJson ? JSON.stringify(object, null, 2) : stringify(object);
    for (const [at, ch] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + ch + text.slice(ch === '' ? i + 1 : i);
    }
    return text;
  });

const anyText = fc.oneof(yamlSoup, damaged, fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 40 }));

const pathsAndMessages = (errors: readonly ManifestError[]) => errors.map((e) => `${e.path}: ${e.message}`).sort();

describe('loadTexts (fuzz)', () => {
  it('loads any text without throwing; every error names a line and column inside it', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = loadTexts([{ file: FILE, text }]);
        expectInside(text, result.errors);
        for (const m of result.manifests) if (!m.ok) expect(m.errors.length).toBeGreaterThan(0);
      }),
      fuzzParams(400),
    );
  });

  it('gives an object written as YAML or JSON the verdict, paths and messages of validating it, each at its field', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(objectInput, (raw) => {
        // What the object is once written and read back (undefined members vanish, -0 is 0).
        const object = JSON.parse(JSON.stringify(raw ?? null)) as unknown;
        // As the loader sees it: a task definition's spec cleaned of nulls and empty values (ecs-input.ts).
        const expected = validateObject(toManifestShape(object).object);
        const asYaml = stringify(object);
        const asJson = JSON.stringify(object, null, 2);
        const fromYaml = loadTexts([{ file: FILE, text: asYaml }]);
        const fromJson = loadTexts([{ file: FILE, text: asJson }]);
        expectInside(asYaml, fromYaml.errors);
        expectInside(asJson, fromJson.errors);
        expect(pathsAndMessages(fromYaml.errors)).toEqual(pathsAndMessages(fromJson.errors));
        // A document that is null (or empty) is skipped, as kubectl skips it.
        if (object === null) return;
        expect(fromJson.manifests.map((m) => m.ok)).toEqual([expected.ok]);
        if (expected.ok) return;
        expect(pathsAndMessages(fromJson.errors)).toEqual(expected.issues.map((i) => `${formatFieldPath(i.path)}: ${i.message}`).sort());
        // Where a field that is written is the problem, the error's line is the field's line.
        for (const issue of expected.issues) {
          const last = issue.path.at(-1);
          if (typeof last !== 'string' || getAt(object, issue.path) === undefined) continue;
          for (const [text, result] of [
            [asJson, fromJson],
            [asYaml, fromYaml],
          ] as const) {
            const error = result.errors.find((e) => e.path === formatFieldPath(issue.path) && e.message === issue.message);
            const line = text.split('\n')[(error?.line ?? 0) - 1] ?? '';
            // Compared without quotes and escapes, which YAML and JSON write differently.
            const bare = (s: string) => s.replace(/[\\"']/g, '');
            expect(bare(line), `${formatFieldPath(issue.path)} at ${error?.line}:${error?.column} in\n${text}`).toContain(bare(last).slice(0, 20));
          }
        }
      }),
      fuzzParams(150),
    );
  });

  it("reports an ECS task definition's errors at the paths of the document as written", { timeout: fuzzTimeout(30_000) }, () => {
    // What `register-task-definition --cli-input-json` takes, and what `describe-task-definition` prints.
    const ecs = CORPUS.filter((o) => o.kind === 'TaskDefinition').map((o) => o.spec);
    const document = fc
      .tuple(fc.constantFrom(...ecs), fc.boolean())
      .chain(([spec, described]) => mutantOf(described ? { taskDefinition: { ...(spec as object), revision: 3, status: 'ACTIVE' }, tags: [] } : spec));
    fc.assert(
      fc.property(document, (doc) => {
        const text = JSON.stringify(doc ?? null, null, 2);
        const result = loadTexts([{ file: FILE, text }]);
        expectInside(text, result.errors);
        const written = new Set(pathsOf(JSON.parse(text)).map((p) => formatFieldPath(p)));
        // Each error's path, or (for a missing field) its parent's, is a path of the document.
        for (const e of result.errors) {
          const parent = e.path.replace(/(^|\.)[A-Za-z_$][\w$-]*$|\[[^\]]*\]$/, '');
          expect(written.has(e.path) || written.has(parent), `${e.path} is not in\n${text}`).toBe(true);
        }
      }),
      fuzzParams(200),
    );
  });
});
