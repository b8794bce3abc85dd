import { describe, expect, it } from 'vitest';
import type { ClusterQuery, ComparisonOperator } from './ast.js';
import { ClusterQuerySyntaxError } from './errors.js';
import { parseClusterQuery } from './parser.js';

const cmp = (subject: string, operator: ComparisonOperator, ...values: string[]): ClusterQuery => ({
  type: 'comparison',
  subject: subject.startsWith('attribute:') ? { type: 'attribute', name: subject.slice('attribute:'.length) } : ({ type: subject } as { type: 'instanceId' }),
  operator,
  values,
});

describe('parseClusterQuery: every operator spelling', () => {
  it.each<[string, ComparisonOperator]>([
    ['==', 'equals'],
    ['equals', 'equals'],
    ['!=', 'not_equals'],
    ['not_equals', 'not_equals'],
    ['>', 'greater_than'],
    ['greater_than', 'greater_than'],
    ['>=', 'greater_than_equal'],
    ['greater_than_equal', 'greater_than_equal'],
    ['<', 'less_than'],
    ['less_than', 'less_than'],
    ['<=', 'less_than_equal'],
    ['LESS_THAN_EQUAL', 'less_than_equal'],
    ['=~', 'matches'],
    ['matches', 'matches'],
    ['!~', 'not_matches'],
    ['not_matches', 'not_matches'],
  ])('attribute:x %s v → %s', (symbol, operator) => {
    expect(parseClusterQuery(`attribute:x ${symbol} v`)).toEqual(cmp('attribute:x', operator, 'v'));
  });

  it.each<[string, ComparisonOperator]>([
    ['exists', 'exists'],
    ['!exists', 'not_exists'],
    ['not_exists', 'not_exists'],
  ])('attribute:x %s takes no argument → %s', (symbol, operator) => {
    expect(parseClusterQuery(`attribute:x ${symbol}`)).toEqual(cmp('attribute:x', operator));
  });

  it.each<[string, ComparisonOperator]>([
    ['in', 'in'],
    ['!in', 'not_in'],
    ['not_in', 'not_in'],
  ])('attribute:x %s [a, b] → %s with a list', (symbol, operator) => {
    expect(parseClusterQuery(`attribute:x ${symbol} [a, b]`)).toEqual(cmp('attribute:x', operator, 'a', 'b'));
  });

  it('reads operators without surrounding spaces', () => {
    expect(parseClusterQuery('attribute:x==v')).toEqual(cmp('attribute:x', 'equals', 'v'));
    expect(parseClusterQuery('runningTasksCount>=2')).toEqual(cmp('runningTasksCount', 'greater_than_equal', '2'));
  });
});

describe('parseClusterQuery: subjects and values', () => {
  it.each([
    ['attribute:ecs.instance-type =~ t2.*', cmp('attribute:ecs.instance-type', 'matches', 't2.*')],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', cmp('attribute:ecs.availability-zone', 'in', 'us-east-1a', 'us-east-1b')],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", cmp('ec2InstanceId', 'in', 'i-abcd1234', 'i-wxyx7890')],
    ['instanceId == node-1', cmp('instanceId', 'equals', 'node-1')],
    ['task:group == service:production', cmp('task:group', 'equals', 'service:production')],
    ['registeredAt < 2018-06-18T22:28:28+00:00', cmp('registeredAt', 'less_than', '2018-06-18T22:28:28+00:00')],
    ['runningTasksCount == 1', cmp('runningTasksCount', 'equals', '1')],
    ['agentConnected == true', cmp('agentConnected', 'equals', 'true')],
    ['agentVersion >= 1.20.0', cmp('agentVersion', 'greater_than_equal', '1.20.0')],
    ['attribute:ecs.os-type == "linux x"', cmp('attribute:ecs.os-type', 'equals', 'linux x')],
    ["attribute:team == 'it\\'s'", cmp('attribute:team', 'equals', "it's")],
    ['attribute:stack exists', cmp('attribute:stack', 'exists')],
    ['attribute:ecs.instance-type =~ (t2|m5)\\..*', cmp('attribute:ecs.instance-type', 'matches', '(t2|m5)\\..*')],
    ['attribute:x =~ a\\)', cmp('attribute:x', 'matches', 'a\\)')],
    ['attribute:x in [ a ,b,  c ]', cmp('attribute:x', 'in', 'a', 'b', 'c')],
  ])('%s', (expression, tree) => {
    expect(parseClusterQuery(expression)).toEqual(tree);
  });
});

describe('parseClusterQuery: boolean structure and precedence', () => {
  const a = cmp('attribute:a', 'equals', '1');
  const b = cmp('attribute:b', 'equals', '2');
  const c = cmp('attribute:c', 'equals', '3');
  it.each<[string, ClusterQuery]>([
    ['attribute:a == 1 and attribute:b == 2', { type: 'and', left: a, right: b }],
    ['attribute:a == 1 && attribute:b == 2', { type: 'and', left: a, right: b }],
    ['attribute:a == 1&&attribute:b == 2', { type: 'and', left: a, right: b }],
    ['attribute:a == 1 or attribute:b == 2', { type: 'or', left: a, right: b }],
    ['attribute:a == 1 || attribute:b == 2', { type: 'or', left: a, right: b }],
    ['attribute:a == 1 AND attribute:b == 2', { type: 'and', left: a, right: b }],
    ['not attribute:a == 1', { type: 'not', operand: a }],
    ['!attribute:a == 1', { type: 'not', operand: a }],
    ['not(attribute:a == 1)', { type: 'not', operand: a }],
    ['!(attribute:a == 1)', { type: 'not', operand: a }],
    // and binds tighter than or
    ['attribute:a == 1 or attribute:b == 2 and attribute:c == 3', { type: 'or', left: a, right: { type: 'and', left: b, right: c } }],
    ['attribute:a == 1 and attribute:b == 2 or attribute:c == 3', { type: 'or', left: { type: 'and', left: a, right: b }, right: c }],
    ['(attribute:a == 1 or attribute:b == 2) and attribute:c == 3', { type: 'and', left: { type: 'or', left: a, right: b }, right: c }],
    // not binds tighter than and
    ['not attribute:a == 1 and attribute:b == 2', { type: 'and', left: { type: 'not', operand: a }, right: b }],
    ['((attribute:a == 1))', a],
    // left-associative chains
    ['attribute:a == 1 or attribute:b == 2 or attribute:c == 3', { type: 'or', left: { type: 'or', left: a, right: b }, right: c }],
  ])('%s', (expression, tree) => {
    expect(parseClusterQuery(expression)).toEqual(tree);
  });
});

describe('parseClusterQuery: errors say where and what was expected', () => {
  it.each([
    ['attribute:az ==', 16, 'expected a value'],
    ['', 1, 'expected a comparison'],
    ['   ', 4, 'expected a comparison'],
    ['attribute:az', 13, 'expected an operator'],
    ['attribute:az ~~ x', 14, 'expected an operator'],
    ['attribute: == x', 11, 'expected an attribute name after "attribute:"'],
    ['zone == x', 1, 'unknown subject "zone"'],
    ['== x', 1, 'expected a subject'],
    ['attribute:az in us-east-1a', 17, 'expected "[" to start a list'],
    ['attribute:az in [a, b', 22, 'expected "," or "]"'],
    ['attribute:az in [a,]', 20, 'expected a value'],
    ['attribute:az in []', 18, 'expected a value'],
    ['(attribute:a == 1', 18, 'expected ")" to close the "(" at column 1'],
    ['attribute:a == 1)', 17, 'expected "and", "or" or the end of the expression'],
    ['attribute:a == 1 attribute:b == 2', 18, 'expected "and", "or" or the end of the expression'],
    ['attribute:a == 1 and', 21, 'expected a comparison, "not" or "("'],
    ['not', 4, 'expected a comparison, "not" or "("'],
    ["attribute:a == 'open", 21, "expected a closing ' for the value opened at column 16"],
    ['attribute:a =~ (x', 16, 'invalid regular expression "(x"'],
    // RE2 has no backreferences or lookaround (what makes a pattern's run time unbounded)
    ['attribute:a =~ (a)\\1', 16, 'invalid regular expression "(a)\\\\1"'],
    ['attribute:a =~ a(?=b)', 16, 'invalid regular expression "a(?=b)"'],
    ['registeredAt > yesterday', 16, 'expected a date'],
    ['runningTasksCount < many', 21, 'expected a whole number for runningTasksCount'],
    ['runningTasksCount =~ 1', 19, 'operator "=~" does not apply to runningTasksCount'],
    ['task:group > a', 12, 'operator ">" does not apply to task:group'],
    ['instanceId exists', 12, 'operator "exists" does not apply to instanceId'],
  ])('%j → column %i: %s', (expression, column, problem) => {
    let error: unknown;
    try {
      parseClusterQuery(expression);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClusterQuerySyntaxError);
    const syntax = error as ClusterQuerySyntaxError;
    expect(syntax.name).toBe('ClusterQuerySyntaxError');
    expect(syntax.retriable).toBe(false);
    expect(syntax.column).toBe(column);
    expect(syntax.message).toContain(`memberOf expression ${JSON.stringify(expression)}: `);
    expect(syntax.message).toContain(problem);
    expect(syntax.message).toContain(`at column ${column}`);
  });

  // Found by parser.fuzz.test.ts: deep nesting and long chains overflowed the stack (a RangeError
  // that named no column) in the parser or in the compiled predicate.
  const leaf = 'attribute:a exists';
  it.each<[string, string, number, string]>([
    ['3,000 nested parentheses', `${'('.repeat(3000)}${leaf}${')'.repeat(3000)}`, 2001, 'expected at most 2000 characters, got 6018'],
    ['20,000 negations', `${'!'.repeat(20_000)}${leaf}`, 2001, 'expected at most 2000 characters'],
    ['a chain of 20,000 "and"s', `${leaf} and `.repeat(20_000) + leaf, 2001, 'expected at most 2000 characters'],
    ['101 nested parentheses', `${'('.repeat(101)}${leaf}${')'.repeat(101)}`, 101, 'expected at most 100 nested parentheses and negations'],
    ['101 negations', `${'!'.repeat(101)}${leaf}`, 101, 'expected at most 100 nested parentheses and negations'],
    ['101 "not"s', `${'not '.repeat(101)}${leaf}`, 401, 'expected at most 100 nested parentheses and negations'],
  ])('refuses %s with a located error, not a stack overflow', (_what, expression, column, problem) => {
    expect(() => parseClusterQuery(expression)).toThrow(ClusterQuerySyntaxError);
    expect(() => parseClusterQuery(expression)).toThrow(`${problem}`);
    expect(() => parseClusterQuery(expression)).toThrow(`at column ${column}`);
  });

  it('takes 100 nested parentheses and negations and 2,000 characters', () => {
    expect(parseClusterQuery(`${'('.repeat(50)}${'!'.repeat(50)}${leaf}${')'.repeat(50)}`)).toMatchObject({ type: 'not' });
    const longest = `${leaf} or `.repeat(200).slice(0, 2000 - leaf.length) + leaf;
    expect(longest.length).toBeLessThanOrEqual(2000);
    expect(() => parseClusterQuery(longest)).not.toThrow(/characters/);
  });

  it('gives the exact message for a missing value', () => {
    expect(() => parseClusterQuery('attribute:az ==')).toThrow('memberOf expression "attribute:az ==": expected a value at column 16');
  });

  it('names what it found instead', () => {
    expect(() => parseClusterQuery('attribute:az ~~ x')).toThrow(/at column 14, found "~~"/);
  });
});
