/**
 * The agent's container runtime: the port (types.ts), its Docker backend, and the pure helpers the
 * agent plans with (create options, start order, names and labels, dynamic host ports).
 */
export * from './types.js';
export * from './errors.js';
export { DockerRuntime, type DockerRuntimeOptions } from './docker.js';
export { toContainerSpec, portKey, dynamicPortMappings, needsTaskNetwork, networkAliases, MIN_CPU_SHARES } from './container-spec.js';
export type { ContainerSpecInput, ContainerOverride } from './spec-input.js';
export { startPlan, dependencyState, readiness, type StartPlan, type ObservedDependency, type DependencyState } from './dependency-order.js';
export { DOCKER_LABELS, containerName, taskNetworkName, taskVolumeName, taskLabels, taskShortId, type TaskIdentity } from './names.js';
export { HostPortAllocator, DEFAULT_DYNAMIC_PORT_RANGE, canBind, type HostPortAllocatorOptions } from './ports.js';
