/** Load balancing: the target-group controller (controller.ts), its pure plan (targets.ts), and the HAProxy data plane (proxy/). */
export { targetGroupController, TARGET_GROUP_CONTROLLER } from './controller.js';
export { planTargets, type TargetsInput, type TargetsPlan, type Registration } from './targets.js';
export * from './conventions.js';
