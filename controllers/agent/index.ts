/**
 * The berth agent: `new Agent({client, runtime, cluster, instanceName}).start()` on each container
 * instance. The container runtime it drives is in ./runtime.
 */
export { Agent } from './agent.js';
export { AGENT_DEFAULTS, AGENT_VERSION, instanceAttributes, instanceResources, type AgentOptions } from './options.js';
export { planTask, hasEngineWork, type TaskPlan, type TaskPlanInput, type StopStep } from './plan.js';
export { containerStatus, taskHealth, statusPatch, laterStatus } from './task-status.js';
export type { ObservedContainer } from './observed.js';
export { AgentError, TaskDefinitionMissingError, AgentStateError } from './errors.js';
