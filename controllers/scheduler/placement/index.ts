/**
 * The scheduler's placement logic: pure functions, no I/O, no clock, randomness injected.
 *
 * - taskDemand(definition, overrides): what a task takes from an instance.
 * - candidateFromInstance(instance, tasks): an instance as placement sees it.
 * - placeTask / placeTasks / PlacementPass: choose instances (filters, constraints, strategies),
 *   with ECS's failure reasons when nothing fits.
 * - chooseTasksToStop: which tasks a scale-in stops.
 * - parseClusterQuery / evaluateClusterQuery: ECS's cluster query language (memberOf).
 */
export { candidateFromInstance, isEligible, type PlacedTask, type PlacementCandidate } from './candidate.js';
export type { ConstraintInput } from './constraints.js';
export { NO_PORTS, taskDemand, type DemandSource, type HostPorts, type TaskDemand } from './demand.js';
export type { ReservedPorts } from './pass-state.js';
export {
  DEFAULT_RESERVED,
  familyGroup,
  PlacementPass,
  placeTask,
  placeTasks,
  type PlacementOptions,
  type PlacementRequest,
  type PlacementResult,
  type Rng,
} from './place.js';
export { describeFailures, PLACEMENT_REASONS, type PlacementFailure, type PlacementReason } from './reasons.js';
export { seededRng } from './rng.js';
export { chooseTasksToStop, type StoppableTask } from './scale-in.js';
export { DEFAULT_PLACEMENT_STRATEGIES } from './strategies.js';
export * from '../../../api/cluster-query/index.js';
export { osType, runtimePlatformConstraints } from './runtime-platform.js';
