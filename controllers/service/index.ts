/**
 * The service controller (controller.ts) and its pure parts: resolving the revision (resolve.ts),
 * task health (task-health.ts), the rolling arithmetic (rolling.ts), deployments (deployments.ts),
 * the circuit breaker (circuit-breaker.ts), the plan (plan.ts) and events/status (events.ts).
 */
export { serviceController, ServiceChangedError, type ServiceControllerOptions } from './controller.js';
export { DEFAULT_SETTINGS, SERVICE_FINALIZER, type ServiceControllerSettings } from './settings.js';
export { planService, type PlanInput, type ServicePlan, type TaskStop } from './plan.js';
export { resolveTaskDefinition, type Resolution } from './resolve.js';
export { serviceTaskHealth, type TaskHealth } from './task-health.js';
export { maxTasks, minHealthyTasks, rollingStep, type RollingCounts, type RollingStep } from './rolling.js';
export { breakerTripped, failureThreshold, HEALTH_CHECK_STOP_REASON, isFailedTask } from './circuit-breaker.js';
export { deploymentId, type DeploymentNote } from './deployments.js';
export { messages, newMessages, nextStatus } from './events.js';
export { nextHistory, type DeploymentRecord } from './history.js';
