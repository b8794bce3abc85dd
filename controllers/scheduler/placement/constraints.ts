/**
 * Placement constraints as per-instance checks for one request:
 * - distinctInstance: no other task of the request's group on the instance (ECS: "place each task
 *   in the group on a different container instance");
 * - memberOf: the instance satisfies the cluster query expression.
 * Expressions are parsed once per pass, and the answers of those that cannot change during a pass
 * (everything but task:group and runningTasksCount) are remembered per instance.
 */
import type { PlacementConstraint } from '../../../api/v1/index.js';
import type { PassState } from './pass-state.js';
import { ClusterQuerySyntaxError, compileClusterQuery, parseClusterQuery, type CompiledClusterQuery } from '../../../api/cluster-query/index.js';

/** A service's or a task's constraint, or a task definition's (which is always memberOf). */
export type ConstraintInput = Pick<PlacementConstraint, 'type' | 'expression'>;

export interface MemberOfCheck {
  readonly expression: string;
  /** The answer can change as tasks are placed (task:group, runningTasksCount). */
  readonly dependsOnTasks: boolean;
  passes(i: number): boolean;
}

export type CompiledConstraints =
  | {
      readonly ok: true;
      /** The group's tasks per instance when distinctInstance applies. */
      readonly distinct: Float64Array | undefined;
      readonly memberOf: readonly MemberOfCheck[];
    }
  | { readonly ok: false; readonly error: ClusterQuerySyntaxError };

const UNKNOWN = -1;

/** Parsed expressions and remembered answers, for the length of one pass. */
export class MemberOfCache {
  private readonly compiled = new Map<string, CompiledClusterQuery | ClusterQuerySyntaxError>();
  private readonly checks = new Map<string, MemberOfCheck>();

  constructor(private readonly state: PassState) {}

  check(expression: string): MemberOfCheck | ClusterQuerySyntaxError {
    const known = this.checks.get(expression);
    if (known) return known;
    const query = this.compile(expression);
    if (query instanceof ClusterQuerySyntaxError) return query;
    const facts = this.state.facts;
    let check: MemberOfCheck;
    if (query.dependsOnTasks) {
      check = {
        expression,
        dependsOnTasks: true,
        passes: (i) => {
          const f = facts[i];
          return f !== undefined && query.test(f);
        },
      };
    } else {
      const answers = new Int8Array(this.state.size).fill(UNKNOWN);
      check = {
        expression,
        dependsOnTasks: false,
        passes: (i) => {
          let answer = answers[i] ?? UNKNOWN;
          if (answer === UNKNOWN) {
            const f = facts[i];
            answer = f !== undefined && query.test(f) ? 1 : 0;
            answers[i] = answer;
          }
          return answer === 1;
        },
      };
    }
    this.checks.set(expression, check);
    return check;
  }

  private compile(expression: string): CompiledClusterQuery | ClusterQuerySyntaxError {
    let compiled = this.compiled.get(expression);
    if (!compiled) {
      try {
        compiled = compileClusterQuery(parseClusterQuery(expression));
      } catch (e) {
        if (!(e instanceof ClusterQuerySyntaxError)) throw e;
        compiled = e;
      }
      this.compiled.set(expression, compiled);
    }
    return compiled;
  }
}

export function compileConstraints(constraints: readonly ConstraintInput[], group: string, state: PassState, cache: MemberOfCache): CompiledConstraints {
  let distinct: Float64Array | undefined;
  const memberOf: MemberOfCheck[] = [];
  for (const c of constraints) {
    if (c.type === 'distinctInstance') {
      distinct = state.groupCountsOf(group);
      continue;
    }
    // The api/v1 schema requires an expression for memberOf; an empty one is a syntax error here.
    const check = cache.check(c.expression ?? '');
    if (check instanceof ClusterQuerySyntaxError) return { ok: false, error: check };
    memberOf.push(check);
  }
  return { ok: true, distinct, memberOf };
}
