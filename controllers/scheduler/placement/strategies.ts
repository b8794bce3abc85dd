/**
 * Placement strategies as scores, lower is better, applied in order: each strategy only breaks the
 * ties the previous ones left (ECS: "strategies are evaluated in order"). Whatever is still tied at
 * the end is chosen among at random, so `random` simply ends the list (strategies after it can
 * never matter).
 */
import { ATTRIBUTE_FIELD_PREFIX, ATTRIBUTES, type PlacementStrategy } from '../../../api/v1/index.js';
import type { PassState } from './pass-state.js';

/**
 * Used when a request gives no strategy: ECS's default for services is spread over availability
 * zones; berth adds spread over instances behind it, so tasks in one zone (or on a cluster with no
 * zone attribute, where every instance shares the "no value" zone) still land on different machines.
 */
export const DEFAULT_PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = Object.freeze([
  { type: 'spread', field: `${ATTRIBUTE_FIELD_PREFIX}${ATTRIBUTES.availabilityZone}` },
  { type: 'spread', field: 'instanceId' },
]);

/**
 * A strategy's score for instance `i` is `values[index[i]]`, lower is better. Scores are columns
 * rather than closures so the placement loop, which runs once per instance per task, stays one
 * monomorphic typed-array read per strategy (closures made it several times slower).
 */
export interface ScoreColumn {
  readonly values: Float64Array;
  readonly index: Int32Array;
}

export function effectiveStrategies(strategies: readonly PlacementStrategy[] | undefined): readonly PlacementStrategy[] {
  return strategies === undefined || strategies.length === 0 ? DEFAULT_PLACEMENT_STRATEGIES : strategies;
}

/** One score column per strategy up to (not including) the first `random`. */
export function strategyScores(strategies: readonly PlacementStrategy[], state: PassState, group: string): ScoreColumn[] {
  const scores: ScoreColumn[] = [];
  for (const s of strategies) {
    if (s.type === 'random') break;
    scores.push(s.type === 'binpack' ? binpack(s.field, state) : spread(s.field ?? 'instanceId', state, group));
  }
  return scores;
}

/** Least remaining of the resource first: fill one instance before starting another. */
function binpack(field: string | undefined, state: PassState): ScoreColumn {
  return { values: field === 'cpu' ? state.cpu : state.memory, index: state.identity };
}

/** Fewest tasks of the group on instances sharing this instance's value of the field first. */
function spread(field: string, state: PassState, group: string): ScoreColumn {
  // instanceId and host both mean the instance itself.
  if (!field.startsWith(ATTRIBUTE_FIELD_PREFIX)) return { values: state.groupCountsOf(group), index: state.identity };
  return { values: state.spreadCountsOf(group, field), index: state.fieldValuesOf(field).valueOf };
}
