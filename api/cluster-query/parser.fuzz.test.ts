/**
 * Property tests of the cluster query language: whatever text a memberOf expression holds, parsing
 * gives a tree or a ClusterQuerySyntaxError that names a column inside the expression, never
 * another error; every tree, written in any of the language's spellings, parses back to itself;
 * and evaluating any tree against any instance answers without throwing.
 */
import { runInNewContext } from 'node:vm';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, fuzzTimeout } from '../../test/support/fuzz.js';
import { FIELD_SUBJECTS, type ClusterQuery, type Comparison, type ComparisonOperator, type Subject } from './ast.js';
import { ClusterQuerySyntaxError } from './errors.js';
import { compileClusterQuery, type InstanceFacts } from './evaluate.js';
import { LIST_OPERATORS, operatorsFor, REGEX_OPERATORS, SYMBOL_OPERATORS, UNARY_OPERATORS } from './operators.js';
import { parseClusterQuery } from './parser.js';

/** A few attribute names, so that generated expressions and instances talk about the same ones. */
const ATTRIBUTE_NAMES = ['a', 'stack', 'ecs.os-type', 'ecs.availability-zone', 'gpus', 'x/y', 'k:v'];

/** Parse, and say what went wrong in a way a property can check: a tree, or where the syntax broke. */
function parseOrLocate(expression: string): { ok: true; query: ClusterQuery } | { ok: false; error: ClusterQuerySyntaxError } {
  try {
    return { ok: true, query: parseClusterQuery(expression) };
  } catch (e) {
    // Anything but a located syntax error (a RangeError, a TypeError, a regex SyntaxError) fails the property.
    if (!(e instanceof ClusterQuerySyntaxError)) throw e;
    return { ok: false, error: e };
  }
}

function expectLocated(expression: string, error: ClusterQuerySyntaxError): void {
  expect(error.expression).toBe(expression);
  expect(error.column).toBeGreaterThanOrEqual(1);
  expect(error.column).toBeLessThanOrEqual(expression.length + 1);
  expect(error.message).toContain(`at column ${error.column}`);
}

// ---- arbitraries: text that is almost, but not quite, the language --------------------------------

const TOKENS = [
  'attribute:a',
  'attribute:',
  'attribute:ecs.os-type',
  'instanceId',
  'ec2InstanceId',
  'task:group',
  'registeredAt',
  'runningTasksCount',
  'agentConnected',
  'agentVersion',
  'zone',
  '==',
  '!=',
  '===',
  '>',
  '>=',
  '<',
  '<=',
  '=~',
  '!~',
  '~~',
  'exists',
  '!exists',
  'in',
  '!in',
  'not_in',
  'matches',
  'equals',
  'and',
  'or',
  'not',
  'AND',
  '&&',
  '||',
  '&',
  '|',
  '!',
  '(',
  ')',
  '[',
  ']',
  ',',
  "'",
  '"',
  '\\',
  'a',
  'b',
  '1',
  '02',
  '2018-06-18',
  '2018-06-18T22:28:28Z',
  't2.*',
  '*',
  '.*',
  '(a|b)',
  '+',
  '?',
  '{2}',
  '\u00e9',
  '\u{1F600}',
];
const whitespace = fc.constantFrom('', ' ', ' ', '  ', '\t', '\n');

/** Runs of the language's own tokens, glued with or without white space: the parser's edge cases. */
const tokenSoup = fc.array(fc.tuple(fc.constantFrom(...TOKENS), whitespace), { maxLength: 14 }).map((parts) => parts.map(([token, ws]) => token + ws).join(''));

const anyText = fc.oneof(tokenSoup, tokenSoup, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));

// ---- arbitraries: well-formed trees together with one way of writing them ------------------------

interface Written {
  query: ClusterQuery;
  text: string;
}

const spaces = fc.constantFrom(' ', '  ', '\t', '\n ');
const anyCase = (word: string) =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

const subject: fc.Arbitrary<Subject> = fc.oneof(
  fc.constantFrom(...ATTRIBUTE_NAMES).map((name): Subject => ({ type: 'attribute', name })),
  fc.stringMatching(/^[A-Za-z0-9_./-][A-Za-z0-9_.:/-]{0,8}$/).map((name): Subject => ({ type: 'attribute', name })),
  fc.constantFrom(...FIELD_SUBJECTS).map((type): Subject => ({ type })),
);
const subjectText = (s: Subject) => (s.type === 'attribute' ? `attribute:${s.name}` : s.type);

/** An operator's spellings: its symbol, if it has one, and its word in any case. */
const spelling = (op: ComparisonOperator) => {
  const symbols = SYMBOL_OPERATORS.filter(([, canonical]) => canonical === op).map(([symbol]) => fc.constant(symbol));
  return fc.oneof(anyCase(op), ...symbols);
};

/** A bare value: no white space, quotes, parentheses, commas or brackets, and no `&&`/`||`. */
const bareValue = fc.stringMatching(/^[A-Za-z0-9._:*/+-]{1,10}$/);
/** A quoted value: anything but its own quote and backslashes (the one escape is \<quote>). */
const quotedValue = fc.tuple(fc.constantFrom("'", '"'), fc.string({ minLength: 0, maxLength: 10 })).map(([quote, raw]) => {
  const text = raw.replace(/['"\\]/g, '');
  return { text, written: `${quote}${text}${quote}` };
});
const plainValue = fc.oneof(
  bareValue.map((text) => ({ text, written: text })),
  quotedValue,
);
const REGEXES = ['a', 't2.*', '(t2|m5)\\..*', '[a-z]+', 'x?y', '\\d+', '.*', '(?:ab)*', 'a{1,3}'];
const regexValue = fc.constantFrom(...REGEXES).map((text) => ({ text, written: text }));
const dateValue = fc
  .tuple(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 3 }))
  .map(([d, form]) => {
    const iso = d.toISOString().slice(0, 19);
    const text = [iso.slice(0, 10), `${iso}Z`, iso, `${iso}+00:00`][form] ?? iso;
    return { text, written: text };
  });
const countValue = fc.nat({ max: 10_000 }).map((n) => ({ text: String(n), written: String(n) }));

function valueFor(s: Subject, op: ComparisonOperator) {
  if (REGEX_OPERATORS.has(op)) return regexValue;
  if (s.type === 'registeredAt') return dateValue;
  if (s.type === 'runningTasksCount') return countValue;
  return plainValue;
}

const comparison: fc.Arbitrary<Written> = subject
  .chain((s) => fc.tuple(fc.constant(s), fc.constantFrom(...operatorsFor(s))))
  .chain(([s, op]) => {
    const value = valueFor(s, op);
    const argument = UNARY_OPERATORS.has(op)
      ? fc.constant({ values: [] as string[], written: '' })
      : LIST_OPERATORS.has(op)
        ? fc.array(value, { minLength: 1, maxLength: 4 }).map((vs) => ({ values: vs.map((v) => v.text), written: `[${vs.map((v) => v.written).join(', ')}]` }))
        : value.map((v) => ({ values: [v.text], written: v.written }));
    return fc.tuple(spelling(op), argument, spaces, spaces).map(([opText, arg, s1, s2]): Written => {
      const query: Comparison = { type: 'comparison', subject: s, operator: op, values: arg.values };
      return { query, text: `${subjectText(s)}${s1}${opText}${arg.written ? s2 + arg.written : ''}` };
    });
  });

/** A compound child in parentheses (always needed for and/or under and/or/not), a comparison as it is. */
const grouped = (w: Written, ws: string) => (w.query.type === 'comparison' ? w.text : `(${ws}${w.text}${ws})`);

const { tree } = fc.letrec<{ tree: Written; compound: Written }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, comparison, tie('compound')),
  compound: fc.oneof(
    fc.tuple(tie('tree'), tie('tree'), fc.constantFrom('and', 'AND', '&&'), spaces).map(([l, r, word, ws]): Written => ({
      query: { type: 'and', left: l.query, right: r.query },
      text: `${grouped(l, ws)}${ws}${word}${ws}${grouped(r, ws)}`,
    })),
    fc.tuple(tie('tree'), tie('tree'), fc.constantFrom('or', 'Or', '||'), spaces).map(([l, r, word, ws]): Written => ({
      query: { type: 'or', left: l.query, right: r.query },
      text: `${grouped(l, ws)}${ws}${word}${ws}${grouped(r, ws)}`,
    })),
    fc.tuple(tie('tree'), fc.constantFrom('not ', 'NOT ', '!', 'not'), spaces).map(([operand, word, ws]): Written => {
      // `not` must be followed by a space or "(", or it would run into the subject.
      const inner = word === 'not' ? `(${ws}${operand.text}${ws})` : grouped(operand, ws);
      return { query: { type: 'not', operand: operand.query }, text: `${word}${inner}` };
    }),
  ),
}));

const facts: fc.Arbitrary<InstanceFacts> = fc.record(
  {
    instanceId: bareValue,
    ec2InstanceId: bareValue,
    attributes: fc.dictionary(fc.constantFrom(...ATTRIBUTE_NAMES, '__proto__', 'constructor'), fc.string({ maxLength: 12 })),
    registeredAt: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    runningTasksCount: fc.nat({ max: 50 }),
    taskGroups: fc.array(fc.constantFrom('service:web', 'family:batch', 'a', 'b'), { maxLength: 3 }).map((g) => new Set(g)),
    agentConnected: fc.boolean(),
    agentVersion: fc.constantFrom('1.20.3', '1.9.0', '2', 'x'),
  },
  { requiredKeys: ['instanceId', 'attributes', 'runningTasksCount', 'taskGroups', 'agentConnected'] },
);

describe('parseClusterQuery (fuzz)', () => {
  it('gives a tree or a syntax error located inside the expression, for any text', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(anyText, (expression) => {
        const parsed = parseOrLocate(expression);
        if (!parsed.ok) expectLocated(expression, parsed.error);
      }),
      fuzzParams(3000),
    );
  });

  it('parses any tree back from any of its spellings', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(tree, ({ query, text }) => {
        expect(parseClusterQuery(text)).toEqual(query);
      }),
      fuzzParams(1500),
    );
  });

  it('rejects a well-formed expression with one character cut out or put in only with a located error', { timeout: fuzzTimeout(30_000) }, () => {
    const edited = fc
      .tuple(tree, fc.nat(), fc.constantFrom('', '(', ')', '[', ']', ',', '!', '=', "'", '"', '\\', ' ', 'a', '&', '|'))
      .map(([{ text }, at, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(insert === '' ? i + 1 : i);
      });
    fc.assert(
      fc.property(edited, (expression) => {
        const parsed = parseOrLocate(expression);
        if (!parsed.ok) expectLocated(expression, parsed.error);
      }),
      fuzzParams(1500),
    );
  });

  it('answers a deep nesting or a long chain with a tree or a located error, never a stack overflow', { timeout: fuzzTimeout(30_000) }, () => {
    const shapes = fc.constantFrom('(', '!', 'not ', 'not(', '( !', 'and', '||');
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 50_000 }), facts, (shape, n, instance) => {
        const leaf = 'attribute:a exists';
        const expression =
          shape === 'and' || shape === '||' ? `${leaf} ${shape} `.repeat(n) + leaf : `${shape.repeat(n)}${leaf}${(shape.includes('(') ? ' )' : '').repeat(n)}`;
        const parsed = parseOrLocate(expression);
        if (!parsed.ok) expectLocated(expression, parsed.error);
        else expect(typeof compileClusterQuery(parsed.query).test(instance)).toBe('boolean');
      }),
      fuzzParams(60),
    );
  });
});

describe('evaluating a cluster query (fuzz)', () => {
  it('answers any tree for any instance, and a negation is exactly the opposite answer', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(tree, facts, ({ query }, instance) => {
        const answer = compileClusterQuery(query).test(instance);
        expect(typeof answer).toBe('boolean');
        expect(compileClusterQuery({ type: 'not', operand: query }).test(instance)).toBe(!answer);
      }),
      fuzzParams(1500),
    );
  });

  it('answers any expression that parses, for any instance', { timeout: fuzzTimeout(30_000) }, () => {
    fc.assert(
      fc.property(anyText, facts, (expression, instance) => {
        const parsed = parseOrLocate(expression);
        if (parsed.ok) expect(typeof compileClusterQuery(parsed.query).test(instance)).toBe('boolean');
      }),
      fuzzParams(2000),
    );
  });

  /**
   * A backtracking engine would take exponential time on nested quantifiers such as `(a+)+b` with a
   * value like "aaaa…ac" and hang the scheduler; patterns run on RE2 (linear time). The evaluation
   * runs under vm's timeout, which interrupts even a regular expression in progress.
   */
  const KNOWN_CATASTROPHIC: [string, string] = ['(a+)+b', `${'a'.repeat(30)}c`];
  it('answers a regular-expression comparison within a time budget, whatever the pattern and value', { timeout: fuzzTimeout(30_000) }, () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '\\w');
    const { pattern } = fc.letrec<{ pattern: string }>((tie) => ({
      pattern: fc.oneof(
        { depthSize: 'small' },
        atom,
        fc.tuple(tie('pattern'), fc.constantFrom('+', '*', '{1,}', '?')).map(([p, q]) => `(${p})${q}`),
        fc.tuple(tie('pattern'), tie('pattern')).map(([l, r]) => `${l}${r}`),
        fc.tuple(tie('pattern'), tie('pattern')).map(([l, r]) => `(${l}|${r})`),
      ),
    }));
    const value = fc
      .tuple(fc.constantFrom('a', 'b', 'ab'), fc.integer({ min: 0, max: 40 }), fc.constantFrom('', 'c', '!'))
      .map(([unit, n, end]) => unit.repeat(n) + end);
    fc.assert(
      fc.property(pattern, value, (regex, attribute) => {
        const parsed = parseOrLocate(`attribute:a =~ ${regex}`);
        if (!parsed.ok) return;
        const test = compileClusterQuery(parsed.query).test;
        const instance: InstanceFacts = { instanceId: 'i', attributes: { a: attribute }, runningTasksCount: 0, taskGroups: new Set(), agentConnected: true };
        // Throws ERR_SCRIPT_EXECUTION_TIMEOUT, failing the property, when the budget runs out.
        runInNewContext('run()', { run: () => test(instance) }, { timeout: 250 });
      }),
      fuzzParams(300, { examples: [KNOWN_CATASTROPHIC] }),
    );
  });
});
