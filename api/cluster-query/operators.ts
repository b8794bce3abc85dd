/**
 * The spellings of the cluster query language's operators, and which operators each subject
 * accepts (as ECS's developer guide lists them, "Valid operators" per subject).
 */
import type { ComparisonOperator, FieldSubject, Subject } from './ast.js';

/** Symbolic spellings, longest first so `!exists` wins over `!`-anything and `>=` over `>`. */
export const SYMBOL_OPERATORS: ReadonlyArray<readonly [string, ComparisonOperator]> = [
  ['!exists', 'not_exists'],
  ['!in', 'not_in'],
  ['==', 'equals'],
  ['!=', 'not_equals'],
  ['>=', 'greater_than_equal'],
  ['<=', 'less_than_equal'],
  ['=~', 'matches'],
  ['!~', 'not_matches'],
  ['>', 'greater_than'],
  ['<', 'less_than'],
];

/** Symbols that end in a letter must not run on into a word (`!institute` is not `!in`). */
export function symbolNeedsWordBoundary(symbol: string): boolean {
  return /[a-z]$/.test(symbol);
}

export const LIST_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['in', 'not_in']);
export const UNARY_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['exists', 'not_exists']);
export const REGEX_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['matches', 'not_matches']);

const EQUALITY: ComparisonOperator[] = ['equals', 'not_equals'];
const ORDERING: ComparisonOperator[] = ['greater_than', 'greater_than_equal', 'less_than', 'less_than_equal'];
const MEMBERSHIP: ComparisonOperator[] = ['in', 'not_in', 'matches', 'not_matches'];
const EXISTENCE: ComparisonOperator[] = ['exists', 'not_exists'];

const FIELD_OPERATORS: Record<FieldSubject, ReadonlySet<ComparisonOperator>> = {
  instanceId: new Set([...EQUALITY, ...MEMBERSHIP]),
  ec2InstanceId: new Set([...EQUALITY, ...MEMBERSHIP]),
  agentConnected: new Set([...EQUALITY, ...MEMBERSHIP]),
  registeredAt: new Set([...EQUALITY, ...ORDERING]),
  runningTasksCount: new Set([...EQUALITY, ...ORDERING]),
  agentVersion: new Set([...EQUALITY, ...ORDERING]),
  // ECS lists equality and membership; exists ("hosts any grouped task") is a harmless extra.
  'task:group': new Set([...EQUALITY, ...MEMBERSHIP, ...EXISTENCE]),
};
const ATTRIBUTE_OPERATORS: ReadonlySet<ComparisonOperator> = new Set([...EQUALITY, ...ORDERING, ...MEMBERSHIP, ...EXISTENCE]);

export function operatorsFor(subject: Subject): ReadonlySet<ComparisonOperator> {
  return subject.type === 'attribute' ? ATTRIBUTE_OPERATORS : FIELD_OPERATORS[subject.type];
}

/** The usual symbol for a canonical operator, for messages ("==" rather than "equals"). */
export function operatorSymbol(op: ComparisonOperator): string {
  return SYMBOL_OPERATORS.find(([, canonical]) => canonical === op)?.[0] ?? op;
}
