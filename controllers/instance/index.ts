/**
 * The instance controller (controller.ts) and its pure parts: liveness (heartbeat expiry), lost
 * tasks, status bookkeeping (counts, remaining resources) and the drain plan.
 */
export { createInstanceController, INSTANCE_CONTROLLER, type InstanceControllerOptions } from './controller.js';
export { liveness, lastSeen, shouldMarkDisconnected, type Liveness } from './liveness.js';
export { HeartbeatSightings, isDisruption, sight, type ClusterSilence, type Sighting } from './sightings.js';
export { deregisteredReason, lostReason, markLostSpec, markLostStatus, needsLostMarking } from './lost-tasks.js';
export { bookkeepingUpToDate, instanceBookkeeping, type InstanceBookkeeping } from './bookkeeping.js';
export { drainReason, planDrain, serviceBounds, type DrainPlan } from './drain.js';
export { planInstance, planInstanceDrain, type InstanceObservation, type InstancePlan } from './plan.js';
