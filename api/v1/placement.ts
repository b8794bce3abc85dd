/**
 * Placement strategies and constraints, as ECS's services and run-task take them.
 * The scheduler evaluates them; here we only check they are well-formed.
 */
import { z } from 'zod';
import { ClusterQuerySyntaxError, parseClusterQuery } from '../cluster-query/index.js';

export const MAX_PLACEMENT_STRATEGIES = 5;
export const MAX_PLACEMENT_CONSTRAINTS = 10;
/** ECS's limit on a cluster-query-language expression. */
export const MAX_EXPRESSION_LENGTH = 2000;

export const PLACEMENT_STRATEGY_TYPES = ['binpack', 'spread', 'random'] as const;
export const BINPACK_FIELDS = ['cpu', 'memory'] as const;
/** spread: by instance (`instanceId`, or its synonym `host`) or by any `attribute:<name>`. */
export const SPREAD_FIELD_PATTERN = /^(instanceId|host|attribute:.+)$/;
export const ATTRIBUTE_FIELD_PREFIX = 'attribute:';

export const PlacementStrategy = z
  .strictObject({
    type: z.enum(PLACEMENT_STRATEGY_TYPES),
    field: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['field'], message });
    if (s.type === 'random') {
      if (s.field !== undefined) issue('random placement takes no field');
    } else if (s.field === undefined) {
      issue(`${s.type} placement needs a field`);
    } else if (s.type === 'binpack' && !(BINPACK_FIELDS as readonly string[]).includes(s.field)) {
      issue(`binpack field must be "cpu" or "memory", got "${s.field}"`);
    } else if (s.type === 'spread' && !SPREAD_FIELD_PATTERN.test(s.field)) {
      issue(`spread field must be "instanceId", "host" or "attribute:<name>", got "${s.field}"`);
    }
  });
export type PlacementStrategy = z.infer<typeof PlacementStrategy>;

/**
 * Parsed here with the scheduler's own parser, so an expression that could never place a task is
 * refused when it is written (with its field path) instead of failing every placement later.
 */
const Expression = z
  .string()
  .min(1)
  .max(MAX_EXPRESSION_LENGTH)
  .superRefine((expression, ctx) => {
    if (expression.length > MAX_EXPRESSION_LENGTH) return; // already refused, and not worth parsing
    try {
      parseClusterQuery(expression);
    } catch (e) {
      if (!(e instanceof ClusterQuerySyntaxError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
    }
  });

export const PLACEMENT_CONSTRAINT_TYPES = ['distinctInstance', 'memberOf'] as const;
export const PlacementConstraint = z
  .strictObject({
    type: z.enum(PLACEMENT_CONSTRAINT_TYPES),
    /** Cluster query language, e.g. `attribute:ecs.availability-zone in [us-east-1a, us-east-1b]`. */
    expression: Expression.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.type === 'memberOf' && c.expression === undefined) ctx.addIssue({ code: 'custom', path: ['expression'], message: 'memberOf needs an expression' });
    if (c.type === 'distinctInstance' && c.expression !== undefined)
      ctx.addIssue({ code: 'custom', path: ['expression'], message: 'distinctInstance takes no expression' });
  });
export type PlacementConstraint = z.infer<typeof PlacementConstraint>;

/** Task definitions accept only memberOf (ECS: distinctInstance belongs to services and run-task). */
export const TaskDefinitionPlacementConstraint = z.strictObject({
  type: z.literal('memberOf', { error: 'task definitions accept only "memberOf" constraints' }),
  expression: Expression,
});
export type TaskDefinitionPlacementConstraint = z.infer<typeof TaskDefinitionPlacementConstraint>;

export const PlacementStrategies = z
  .array(PlacementStrategy)
  .max(MAX_PLACEMENT_STRATEGIES, `at most ${MAX_PLACEMENT_STRATEGIES} placement strategies are allowed`);
export const PlacementConstraints = z
  .array(PlacementConstraint)
  .max(MAX_PLACEMENT_CONSTRAINTS, `at most ${MAX_PLACEMENT_CONSTRAINTS} placement constraints are allowed`);
