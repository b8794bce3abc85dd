/**
 * The parsed form of an ECS cluster-query-language expression (the `expression` of a memberOf
 * placement constraint). Plain data, so tests can compare trees and callers can log them; the
 * evaluator compiles it into a predicate.
 */

/**
 * Subjects other than `attribute:<name>`. `instanceId` and `ec2InstanceId` both name the container
 * instance (berth has no EC2 ids; the agent may report one as `ec2InstanceId`).
 */
export const FIELD_SUBJECTS = ['instanceId', 'ec2InstanceId', 'registeredAt', 'runningTasksCount', 'task:group', 'agentConnected', 'agentVersion'] as const;
export type FieldSubject = (typeof FIELD_SUBJECTS)[number];

export const ATTRIBUTE_SUBJECT_PREFIX = 'attribute:';

export type Subject = { readonly type: 'attribute'; readonly name: string } | { readonly type: FieldSubject };

/** Canonical (word) names; the parser maps symbols such as `==` and `!in` onto them. */
export const COMPARISON_OPERATORS = [
  'equals',
  'not_equals',
  'greater_than',
  'greater_than_equal',
  'less_than',
  'less_than_equal',
  'exists',
  'not_exists',
  'in',
  'not_in',
  'matches',
  'not_matches',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** `subject operator [argument]`: `values` is empty for exists, one value, or an `in` list. */
export interface Comparison {
  readonly type: 'comparison';
  readonly subject: Subject;
  readonly operator: ComparisonOperator;
  readonly values: readonly string[];
}

export type ClusterQuery =
  | Comparison
  | { readonly type: 'and'; readonly left: ClusterQuery; readonly right: ClusterQuery }
  | { readonly type: 'or'; readonly left: ClusterQuery; readonly right: ClusterQuery }
  | { readonly type: 'not'; readonly operand: ClusterQuery };

/** The subject as written in an expression, for messages. */
export function subjectText(subject: Subject): string {
  return subject.type === 'attribute' ? `${ATTRIBUTE_SUBJECT_PREFIX}${subject.name}` : subject.type;
}
