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

/** Lower is better for instance `i`. */
export type Score = (i: number) => number;

export function effectiveStrategies(strategies: readonly PlacementStrategy[] | undefined): readonly PlacementStrategy[] {
  return strategies === undefined || strategies.length === 0 ? DEFAULT_PLACEMENT_STRATEGIES : strategies;
}

/** One score per strategy up to (not including) the first `random`. */
export function strategyScores(strategies: readonly PlacementStrategy[], state: PassState, group: string): Score[] {
  const scores: Score[] = [];
  for (const s of strategies) {
    if (s.type === 'random') break;
    scores.push(s.type === 'binpack' ? binpack(s.field, state) : spread(s.field ?? 'instanceId', state, group));
  }
  return scores;
}

/** Least remaining of the resource first: fill one instance before starting another. */
function binpack(field: string | undefined, state: PassState): Score {
  const remaining = field === 'cpu' ? state.cpu : state.memory;
  return (i) => remaining[i] ?? 0;
}

/** Fewest tasks of the group on instances sharing this instance's value of the field first. */
function spread(field: string, state: PassState, group: string): Score {
  if (!field.startsWith(ATTRIBUTE_FIELD_PREFIX)) {
    // instanceId and host both mean the instance itself.
    const perInstance = state.groupCountsOf(group);
    return (i) => perInstance[i] ?? 0;
  }
  const { valueOf } = state.fieldValuesOf(field);
  const perValue = state.spreadCountsOf(group, field);
  return (i) => perValue[valueOf[i] ?? 0] ?? 0;
}
