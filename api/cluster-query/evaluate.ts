/**
 * Evaluates a parsed cluster query against one container instance's facts.
 *
 * Semantics berth chooses where ECS's guide is silent (and why):
 * - A negated operator is exactly the negation of its positive form: `!=` is `not ==`, `not_in` is
 *   `not in`, `!~` is `not =~`. So an instance without the attribute satisfies
 *   `attribute:ecs.availability-zone != us-east-1d`, as "not in us-east-1d" reads.
 * - `task:group` has one value per task on the instance: `task:group == db` holds when any task of
 *   group `db` is there, and `task:group != db` when none is.
 * - `==`, `!=`, `in` and `not_in` treat `*` in an argument as a wildcard (`t2.*`); `=~` and `!~`
 *   take a regular expression that must match the whole value.
 * - Ordering compares numbers numerically, `registeredAt` as dates (by day when the argument is a bare
 *   date), anything else version-aware.
 * - A missing value never satisfies `==`, `in`, `=~` or an ordering.
 */
import type { ClusterQuery, Comparison, ComparisonOperator } from './ast.js';
import { compareValues, equalityTest, fullMatchPattern, parseQueryDate } from './values.js';

/** What a query can ask about an instance. `taskGroups` and `runningTasksCount` change as tasks are placed. */
export interface InstanceFacts {
  /** The container instance's name. */
  readonly instanceId: string;
  /** What the agent reports as the machine's id; the instance's name when absent. */
  readonly ec2InstanceId?: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** RFC 3339 timestamp. */
  readonly registeredAt?: string;
  readonly runningTasksCount: number;
  /** The groups of the tasks on the instance. */
  readonly taskGroups: ReadonlySet<string>;
  readonly agentConnected: boolean;
  readonly agentVersion?: string;
}

export interface CompiledClusterQuery {
  readonly test: (facts: InstanceFacts) => boolean;
  /**
   * True when the answer can change as tasks are placed (`task:group`, `runningTasksCount`), so a
   * scheduling pass may not cache it per instance.
   */
  readonly dependsOnTasks: boolean;
}

type Test = (facts: InstanceFacts) => boolean;
type ValueTest = (value: string) => boolean;

export function evaluateClusterQuery(query: ClusterQuery, facts: InstanceFacts): boolean {
  return compileClusterQuery(query).test(facts);
}

export function compileClusterQuery(query: ClusterQuery): CompiledClusterQuery {
  return { test: compile(query), dependsOnTasks: dependsOnTasks(query) };
}

function dependsOnTasks(query: ClusterQuery): boolean {
  switch (query.type) {
    case 'comparison':
      return query.subject.type === 'task:group' || query.subject.type === 'runningTasksCount';
    case 'not':
      return dependsOnTasks(query.operand);
    default:
      return dependsOnTasks(query.left) || dependsOnTasks(query.right);
  }
}

function compile(query: ClusterQuery): Test {
  switch (query.type) {
    case 'and': {
      const left = compile(query.left);
      const right = compile(query.right);
      return (f) => left(f) && right(f);
    }
    case 'or': {
      const left = compile(query.left);
      const right = compile(query.right);
      return (f) => left(f) || right(f);
    }
    case 'not': {
      const operand = compile(query.operand);
      return (f) => !operand(f);
    }
    case 'comparison':
      return compileComparison(query);
  }
}

const NEGATION: Partial<Record<ComparisonOperator, ComparisonOperator>> = {
  not_equals: 'equals',
  not_exists: 'exists',
  not_in: 'in',
  not_matches: 'matches',
};

function compileComparison(c: Comparison): Test {
  const positive = NEGATION[c.operator];
  if (positive !== undefined) {
    const test = compileComparison({ ...c, operator: positive });
    return (f) => !test(f);
  }
  const some = valuesOf(c);
  if (c.operator === 'exists') return (f) => some(f, () => true);
  const valueTest = compileValueTest(c);
  return (f) => some(f, valueTest);
}

/** Does any of the subject's values on this instance pass `test`? (No value: false.) */
function valuesOf(c: Comparison): (f: InstanceFacts, test: ValueTest) => boolean {
  const subject = c.subject;
  switch (subject.type) {
    case 'attribute': {
      const name = subject.name;
      return (f, test) => {
        const value = Object.hasOwn(f.attributes, name) ? f.attributes[name] : undefined;
        return value !== undefined && test(value);
      };
    }
    case 'task:group':
      return (f, test) => {
        for (const group of f.taskGroups) if (test(group)) return true;
        return false;
      };
    case 'instanceId':
      return (f, test) => test(f.instanceId);
    case 'ec2InstanceId':
      return (f, test) => test(f.ec2InstanceId ?? f.instanceId);
    case 'registeredAt':
      return (f, test) => f.registeredAt !== undefined && test(f.registeredAt);
    case 'runningTasksCount':
      return (f, test) => test(String(f.runningTasksCount));
    case 'agentConnected':
      return (f, test) => test(String(f.agentConnected));
    case 'agentVersion':
      return (f, test) => f.agentVersion !== undefined && test(f.agentVersion);
  }
}

function compileValueTest(c: Comparison): ValueTest {
  const arg = c.values[0] ?? '';
  const order = orderingFor(c);
  switch (c.operator) {
    case 'equals':
      return c.subject.type === 'registeredAt' || c.subject.type === 'runningTasksCount' ? (v) => order(v, arg) === 0 : equalityTest(arg);
    case 'in': {
      const tests = c.values.map(equalityTest);
      return (v) => tests.some((t) => t(v));
    }
    case 'matches': {
      const re = fullMatchPattern(arg);
      return (v) => re.test(v);
    }
    case 'greater_than':
      return (v) => order(v, arg) > 0;
    case 'greater_than_equal':
      return (v) => order(v, arg) >= 0;
    case 'less_than':
      return (v) => order(v, arg) < 0;
    case 'less_than_equal':
      return (v) => order(v, arg) <= 0;
    default:
      // Negations and exists are handled before we get here.
      throw new Error(`unexpected operator ${c.operator} in compileValueTest`);
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

/** Compares an instance's value with an argument; NaN (never true) when either is not comparable. */
function orderingFor(c: Comparison): (value: string, arg: string) => number {
  if (c.subject.type === 'registeredAt')
    return (value, arg) => {
      const right = parseQueryDate(arg);
      let left = Date.parse(value);
      // A bare date compares by day: "registeredAt == 2018-06-18" is any time that day (UTC).
      if (DATE_ONLY.test(arg)) left = Math.floor(left / MS_PER_DAY) * MS_PER_DAY;
      return right === undefined || Number.isNaN(left) ? Number.NaN : Math.sign(left - right);
    };
  if (c.subject.type === 'runningTasksCount') return (value, arg) => Math.sign(Number(value) - Number(arg));
  return compareValues;
}
