/**
 * The berth agent: `new Agent({client, runtime, cluster, instanceName}).start()` on each container
 * instance. The container runtime it drives is in ./runtime.
 */
export { Agent } from './agent.js';
export { AGENT_DEFAULTS, AGENT_VERSION, instanceAttributes, instanceResources, type AgentOptions } from './options.js';
export { planTask, hasEngineWork, type TaskPlan, type TaskPlanInput, type StopStep } from './plan.js';
export { containerStatus, healthFromContainers, statusPatch, laterStatus } from './task-status.js';
export type { ObservedContainer } from './observed.js';
export { AgentError, TaskDefinitionMissingError, AgentStateError, AgentConfigError } from './errors.js';
export { LogServer, type LogServerOptions } from './log-server.js';
export { DEFAULT_LOGS_LISTEN, DEFAULT_LOGS_PORT, advertisedLogsAddress } from './log-address.js';
