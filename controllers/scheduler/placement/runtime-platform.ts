/**
 * A task definition's runtimePlatform as placement constraints, as ECS places it: only on
 * instances whose agent reported the matching `ecs.cpu-architecture` (x86_64, arm64) and
 * `ecs.os-type` (linux, windows) attributes at registration.
 */
import { ATTRIBUTES } from '../../../api/v1/container-instance.js';
import type { TaskDefinitionSpec } from '../../../api/v1/task-definition.js';
import type { ConstraintInput } from './constraints.js';

/** ECS's operatingSystemFamily (LINUX, WINDOWS_SERVER_2022_CORE, …) as the agent's ecs.os-type. */
export function osType(family: string): string {
  return family.toUpperCase().startsWith('WINDOWS') ? 'windows' : family.toLowerCase();
}

export function runtimePlatformConstraints(platform: TaskDefinitionSpec['runtimePlatform']): ConstraintInput[] {
  const out: ConstraintInput[] = [];
  if (platform?.cpuArchitecture)
    out.push({ type: 'memberOf', expression: `attribute:${ATTRIBUTES.cpuArchitecture} == ${platform.cpuArchitecture.toLowerCase()}` });
  if (platform?.operatingSystemFamily)
    out.push({ type: 'memberOf', expression: `attribute:${ATTRIBUTES.osType} == ${osType(platform.operatingSystemFamily)}` });
  return out;
}
