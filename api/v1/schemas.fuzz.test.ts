/**
 * Property tests of the kind schemas, on valid objects of every kind and mutants of them (one to
 * three places changed: wrong types, ranges, shapes, unknown fields, removed fields):
 * - validation never throws, and every issue says where: its path leads into the input (all of it
 *   but at most the last step, a missing field, exists), with a message;
 * - what validation outputs validates again to itself (the store decodes what it wrote);
 * - validateObjectOver, the scheduler's and agents' shortcut, gives exactly validateObject's verdict
 *   and output for an object made from a known valid one.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, fuzzTimeout } from '../../test/support/fuzz.js';
import { CORPUS, getAt, mutantOf, objectInput, pathsOf, type Path } from '../../test/support/fuzz-objects.js';
import { isPlainObject } from '../merge-patch.js';
import { ClusterQuerySyntaxError, parseClusterQuery } from '../cluster-query/index.js';
import { validateObject, validateObjectOver, type BerthObject, type SchemaIssue } from './index.js';
import { rawObject, rawTaskDefinition } from './testing.js';

/** How many leading steps of `path` exist in `value`. */
function existingDepth(value: unknown, path: Path): number {
  let node = value;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (Array.isArray(node) && typeof segment === 'number' && segment < node.length) node = node[segment];
    else if (isPlainObject(node) && typeof segment === 'string' && Object.hasOwn(node, segment)) node = node[segment];
    else return i;
  }
  return path.length;
}

function expectLocatedIssues(raw: unknown, issues: SchemaIssue[]): void {
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(issue.message.trim(), JSON.stringify(issue)).not.toBe('');
    expect(existingDepth(raw, issue.path), `issue ${JSON.stringify(issue)} leads out of the input`).toBeGreaterThanOrEqual(issue.path.length - 1);
  }
}

const VALID: readonly BerthObject[] = CORPUS.map((raw) => {
  const result = validateObject(raw);
  if (!result.ok) throw new Error(`corpus object ${JSON.stringify(raw).slice(0, 80)} is invalid: ${JSON.stringify(result.issues)}`);
  return result.object;
});

describe('kind schemas (fuzz)', () => {
  it('the corpus is valid, and what validation outputs validates again to itself', () => {
    for (const object of VALID) expect(validateObject(structuredClone(object))).toEqual({ ok: true, object });
  });

  it('validate any mutant without throwing; each issue names a path into the input', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(objectInput, (raw) => {
        const result = validateObject(raw);
        if (!result.ok) expectLocatedIssues(raw, result.issues);
        else {
          // As the store has it: JSON (where -0 is 0).
          const again = validateObject(JSON.parse(JSON.stringify(result.object)));
          expect(again.ok && JSON.stringify(again.object)).toBe(JSON.stringify(result.object));
        }
      }),
      fuzzParams(600),
    );
  });

  it('keep every field of an input they accept: nothing written is silently dropped', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(objectInput, (raw) => {
        const result = validateObject(raw);
        if (!result.ok) return;
        const output = JSON.parse(JSON.stringify(result.object)) as unknown;
        for (const path of pathsOf(raw))
          expect(getAt(output, path), `${JSON.stringify(path)} of an accepted input is missing from the output`).not.toBe(undefined);
      }),
      fuzzParams(600),
    );
  });

  it('validate any JSON value without throwing, with located issues', { timeout: fuzzTimeout(30_000) }, () => {
    const envelope = fc.record(
      {
        apiVersion: fc.constantFrom('berth.dev/v1', 'v1', 1),
        kind: fc.constantFrom('Service', 'Task', 'TaskDefinition', 'Cluster', 'ContainerInstance', 'Pod', '__proto__'),
      },
      { requiredKeys: [] },
    );
    const anyJson = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc
        .tuple(envelope, fc.dictionary(fc.constantFrom('metadata', 'spec', 'status', 'x'), fc.jsonValue({ maxDepth: 3 })))
        .map(([e, rest]) => ({ ...rest, ...e })),
    );
    fc.assert(
      fc.property(anyJson, (raw) => {
        const result = validateObject(raw);
        if (!result.ok) expectLocatedIssues(raw, result.issues);
      }),
      fuzzParams(800),
    );
  });

  it("validateObjectOver gives validateObject's verdict and output for an object made from a valid one", { timeout: fuzzTimeout(30_000) }, () => {
    const pair = fc.constantFrom(...VALID).chain((known) => mutantOf(known).map((raw) => ({ known, raw })));
    fc.assert(
      fc.property(pair, ({ known, raw }) => {
        const full = validateObject(raw);
        const over = validateObjectOver(known, raw);
        expect(over.ok).toBe(full.ok);
        if (over.ok && full.ok) expect(JSON.stringify(over.object)).toBe(JSON.stringify(full.object));
        else expect(over).toEqual(full);
      }),
      fuzzParams(600),
    );
  });
});

describe('fields with a grammar of their own (fuzz)', () => {
  const EXPRESSION_TOKENS = [
    'attribute:zone',
    'instanceId',
    'task:group',
    '==',
    '===',
    '!=',
    'in',
    '[a, b]',
    'a',
    'b',
    'and',
    'or',
    'not',
    '(',
    ')',
    '=~',
    '(a+)+',
    'exists',
  ];
  const expression = fc.oneof(
    fc.array(fc.constantFrom(...EXPRESSION_TOKENS), { minLength: 1, maxLength: 7 }).map((t) => t.join(' ')),
    fc.constantFrom('attribute:zone === a', 'attribute:zone == a or', 'attribute:zone == a', 'not (instanceId in [a, b])'),
  );
  const parses = (text: string) => {
    try {
      parseClusterQuery(text);
      return true;
    } catch (e) {
      if (e instanceof ClusterQuerySyntaxError) return false;
      throw e;
    }
  };

  /** The schema must agree with the scheduler's parser, and say where an expression breaks. */
  it(
    'memberOf expressions: accepted exactly when the cluster query language parses them, refused at their field with a column',
    { timeout: fuzzTimeout(30_000) },
    () => {
      fc.assert(
        fc.property(expression, fc.boolean(), (text, inService) => {
          const raw = inService
            ? rawObject('Service', { taskDefinition: 'web', placementConstraints: [{ type: 'memberOf', expression: text }] })
            : rawTaskDefinition({ placementConstraints: [{ type: 'memberOf', expression: text }] });
          const result = validateObject(raw);
          expect(result.ok).toBe(parses(text));
          if (result.ok) return;
          const at = result.issues.find((i) => i.path.join('.') === 'spec.placementConstraints.0.expression');
          expect(at?.message).toMatch(/column \d+/);
        }),
        fuzzParams(500),
      );
    },
  );

  /** metadata.name takes ":" for task definitions (family:revision), never for a Service (ECS's rule). */
  it('service names: one with a ":" is refused at metadata.name', { timeout: fuzzTimeout(30_000) }, () => {
    const name = fc.tuple(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,10}$/), fc.stringMatching(/^[A-Za-z0-9_-]{0,5}$/)).map(([a, b]) => `${a}:${b}`);
    fc.assert(
      fc.property(name, (serviceName) => {
        const result = validateObject(rawObject('Service', { taskDefinition: 'web' }, serviceName));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues.map((i) => i.path.join('.'))).toContain('metadata.name');
      }),
      fuzzParams(200, { examples: [['web:3']] }),
    );
  });
});
