/**
 * A recursive-descent parser for ECS's cluster query language:
 *
 *   query      := or
 *   or         := and (("or" | "||") and)*
 *   and        := unary (("and" | "&&") unary)*
 *   unary      := ("not" | "!") unary | "(" query ")" | comparison
 *   comparison := subject operator [argument]
 *   argument   := value | "[" value ("," value)* "]"      (lists for in / not_in)
 *   value      := 'quoted' | "quoted" | bare
 *
 * Values are read in context rather than by a separate tokenizer, because they contain characters
 * that are operators elsewhere: `t2.*`, `service:web`, `2018-06-18T22:28:28+00:00`, regexes such as
 * `(t2|m5)\..*`. A bare value ends at white space, at `&&` or `||`, or at a `)` that closes a
 * parenthesis opened before it (so `not(task:group == db)` works and `=~ (a|b).*` keeps its group).
 * Inside a list a bare value also ends at `,` or `]`.
 */
import {
  ATTRIBUTE_SUBJECT_PREFIX,
  COMPARISON_OPERATORS,
  FIELD_SUBJECTS,
  type ClusterQuery,
  type ComparisonOperator,
  type Subject,
  subjectText,
} from './ast.js';
import { ClusterQuerySyntaxError } from './errors.js';
import { LIST_OPERATORS, operatorsFor, operatorSymbol, REGEX_OPERATORS, SYMBOL_OPERATORS, symbolNeedsWordBoundary, UNARY_OPERATORS } from './operators.js';
import { fullMatchPattern, parseQueryDate } from './values.js';
import { MAX_EXPRESSION_LENGTH } from '../v1/placement.js';

/**
 * How deep parentheses and negations may nest. The parser and the compiled predicate recurse once
 * per level, so without a bound a long enough run of "(" or "!" overflowed the stack with a
 * RangeError that said nothing about the expression; no expression a person writes comes close.
 */
export const MAX_NESTING = 100;

const SUBJECT_CHAR = /[A-Za-z0-9_.:/-]/;
const WORD_CHAR = /[A-Za-z_]/;
const SPACE = /\s/;
const SUBJECT_HINT = `attribute:<name>, ${FIELD_SUBJECTS.join(', ')}`;
const OPERATOR_HINT = '==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~';

/** Parses an expression into its tree; throws ClusterQuerySyntaxError saying where and what was expected. */
export function parseClusterQuery(expression: string): ClusterQuery {
  return new Parser(expression).parseAll();
}

/** A value and the 0-based offset where it started, for error columns. */
interface Located {
  text: string;
  start: number;
}

class Parser {
  private pos = 0;
  /** Parentheses and negations open around `pos`. */
  private depth = 0;

  constructor(private readonly src: string) {}

  parseAll(): ClusterQuery {
    // ECS's limit, as the api/v1 schema checks it. It also bounds an and/or chain, a left-deep tree
    // the evaluator recurses into as deep as the chain is long.
    if (this.src.length > MAX_EXPRESSION_LENGTH)
      this.failAt(MAX_EXPRESSION_LENGTH, `expected at most ${MAX_EXPRESSION_LENGTH} characters, got ${this.src.length}; shorten the expression`);
    this.skipSpace();
    if (this.atEnd()) this.fail('expected a comparison such as "attribute:ecs.os-type == linux"');
    const query = this.parseOr();
    this.skipSpace();
    if (!this.atEnd()) this.fail('expected "and", "or" or the end of the expression', this.foundText());
    return query;
  }

  private parseOr(): ClusterQuery {
    let left = this.parseAnd();
    while (this.takeBoolean('||', 'or')) left = { type: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): ClusterQuery {
    let left = this.parseUnary();
    while (this.takeBoolean('&&', 'and')) left = { type: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): ClusterQuery {
    this.skipSpace();
    if (this.atEnd()) this.fail('expected a comparison, "not" or "("');
    if (this.peek() === '(') {
      const open = this.pos;
      this.pos++;
      const inner = this.nested(open, () => this.parseOr());
      this.skipSpace();
      if (this.peek() !== ')') this.fail(`expected ")" to close the "(" at column ${open + 1}`, this.atEnd() ? undefined : this.foundText());
      this.pos++;
      return inner;
    }
    if (this.peek() === '!') {
      const at = this.pos;
      this.pos++;
      return { type: 'not', operand: this.nested(at, () => this.parseUnary()) };
    }
    const word = this.peekWord();
    if (word.toLowerCase() === 'not' && !SUBJECT_CHAR.test(this.src[this.pos + word.length] ?? ' ')) {
      const at = this.pos;
      this.pos += word.length;
      return { type: 'not', operand: this.nested(at, () => this.parseUnary()) };
    }
    return this.parseComparison();
  }

  /** Parses one level deeper, refusing (at `at`, the "(" or negation that opens it) past MAX_NESTING. */
  private nested(at: number, parse: () => ClusterQuery): ClusterQuery {
    if (this.depth >= MAX_NESTING) this.failAt(at, `expected at most ${MAX_NESTING} nested parentheses and negations; simplify the expression`);
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parseComparison(): ClusterQuery {
    const subject = this.parseSubject();
    this.skipSpace();
    const operatorStart = this.pos;
    const operator = this.parseOperator();
    if (!operatorsFor(subject).has(operator))
      this.failAt(
        operatorStart,
        `operator "${operatorSymbol(operator)}" does not apply to ${subjectText(subject)}; use one of ${[...operatorsFor(subject)].map(operatorSymbol).join(', ')}`,
      );
    let values: Located[] = [];
    if (LIST_OPERATORS.has(operator)) values = this.parseList();
    else if (!UNARY_OPERATORS.has(operator)) values = [this.parseValue(false)];
    for (const value of values) this.checkArgument(subject, operator, value);
    return { type: 'comparison', subject, operator, values: values.map((v) => v.text) };
  }

  private parseSubject(): Subject {
    const start = this.pos;
    while (!this.atEnd() && SUBJECT_CHAR.test(this.peek())) this.pos++;
    const text = this.src.slice(start, this.pos);
    if (text === '') this.failAt(start, `expected a subject (${SUBJECT_HINT})`, this.foundText());
    if (text.startsWith(ATTRIBUTE_SUBJECT_PREFIX)) {
      const name = text.slice(ATTRIBUTE_SUBJECT_PREFIX.length);
      if (name === '') this.failAt(this.pos, 'expected an attribute name after "attribute:"');
      return { type: 'attribute', name };
    }
    const field = FIELD_SUBJECTS.find((f) => f === text);
    if (field === undefined) this.failAt(start, `unknown subject "${text}"; expected one of ${SUBJECT_HINT}`);
    return { type: field };
  }

  private parseOperator(): ComparisonOperator {
    for (const [symbol, operator] of SYMBOL_OPERATORS) {
      if (!this.src.startsWith(symbol, this.pos)) continue;
      const after = this.src[this.pos + symbol.length] ?? ' ';
      if (symbolNeedsWordBoundary(symbol) && WORD_CHAR.test(after)) continue;
      this.pos += symbol.length;
      return operator;
    }
    const word = this.peekWord().toLowerCase();
    const named = COMPARISON_OPERATORS.find((op) => op === word);
    if (named !== undefined) {
      this.pos += word.length;
      return named;
    }
    this.fail(`expected an operator (${OPERATOR_HINT})`, this.atEnd() ? undefined : this.foundText());
  }

  private parseList(): Located[] {
    this.skipSpace();
    if (this.peek() !== '[') this.fail('expected "[" to start a list such as [a, b]', this.atEnd() ? undefined : this.foundText());
    this.pos++;
    const values = [this.parseValue(true)];
    for (;;) {
      this.skipSpace();
      if (this.peek() === ']') {
        this.pos++;
        return values;
      }
      if (this.peek() !== ',') this.fail('expected "," or "]" in the list', this.atEnd() ? undefined : this.foundText());
      this.pos++;
      values.push(this.parseValue(true));
    }
  }

  private parseValue(inList: boolean): Located {
    this.skipSpace();
    const start = this.pos;
    const quote = this.peek();
    if (quote === "'" || quote === '"') return { text: this.parseQuoted(quote), start };
    let depth = 0;
    while (!this.atEnd()) {
      const c = this.peek();
      if (SPACE.test(c)) break;
      if (this.src.startsWith('&&', this.pos) || this.src.startsWith('||', this.pos)) break;
      if (inList && (c === ',' || c === ']')) break;
      if (c === '(') depth++;
      if (c === ')') {
        if (depth === 0) break;
        depth--;
      }
      // A backslash escapes the next character (regexes use \. and \)).
      this.pos += c === '\\' && this.pos + 1 < this.src.length ? 2 : 1;
    }
    if (this.pos === start) this.fail('expected a value', this.atEnd() ? undefined : this.foundText());
    return { text: this.src.slice(start, this.pos), start };
  }

  private parseQuoted(quote: string): string {
    const open = this.pos;
    this.pos++;
    let value = '';
    while (!this.atEnd() && this.peek() !== quote) {
      if (this.peek() === '\\' && this.src[this.pos + 1] === quote) this.pos++;
      value += this.peek();
      this.pos++;
    }
    if (this.atEnd()) this.fail(`expected a closing ${quote} for the value opened at column ${open + 1}`);
    this.pos++;
    return value;
  }

  /** Rejects arguments that could never compare: bad regexes, dates and counts. */
  private checkArgument(subject: Subject, operator: ComparisonOperator, { text, start }: Located): void {
    if (REGEX_OPERATORS.has(operator)) {
      try {
        fullMatchPattern(text);
      } catch (e) {
        this.failAt(start, `invalid regular expression ${JSON.stringify(text)} (${e instanceof Error ? e.message : String(e)})`);
      }
      return;
    }
    if (subject.type === 'registeredAt' && parseQueryDate(text) === undefined)
      this.failAt(start, `expected a date such as 2018-06-18 or 2018-06-18T22:28:28Z for registeredAt`, text);
    if (subject.type === 'runningTasksCount' && !/^\d+$/.test(text)) this.failAt(start, 'expected a whole number for runningTasksCount', text);
  }

  private takeBoolean(symbol: string, word: string): boolean {
    this.skipSpace();
    if (this.src.startsWith(symbol, this.pos)) {
      this.pos += symbol.length;
      return true;
    }
    const next = this.peekWord();
    if (next.toLowerCase() === word && !SUBJECT_CHAR.test(this.src[this.pos + next.length] ?? ' ')) {
      this.pos += next.length;
      return true;
    }
    return false;
  }

  private peekWord(): string {
    let end = this.pos;
    while (end < this.src.length && WORD_CHAR.test(this.src[end] ?? '')) end++;
    return this.src.slice(this.pos, end);
  }

  private foundText(): string {
    const rest = this.src.slice(this.pos);
    const token = /^[^\s()[\],]+|^./.exec(rest)?.[0] ?? rest;
    return token;
  }

  private skipSpace(): void {
    while (!this.atEnd() && SPACE.test(this.peek())) this.pos++;
  }

  private peek(): string {
    return this.src[this.pos] ?? '';
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  private fail(problem: string, found?: string): never {
    return this.failAt(this.pos, problem, found);
  }

  private failAt(pos: number, problem: string, found?: string): never {
    throw new ClusterQuerySyntaxError(this.src, pos + 1, problem, found);
  }
}
