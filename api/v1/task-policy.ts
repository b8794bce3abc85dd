/**
 * A cluster's task policy (Cluster spec.taskPolicy), as Kubernetes' Pod Security levels and
 * Nomad's allow_privileged: what a task definition used in the cluster may ask of its hosts.
 * `restricted` (the default) refuses everything that reaches past the container: privileged
 * mode, the host's network, PID or IPC namespace, bind mounts of host paths, added capabilities,
 * devices, sysctls, volume drivers that bind-mount and Docker security options that loosen
 * confinement (anything but no-new-privileges); `allow` lets named ones through, and level
 * `privileged` lets all of them through.
 */
import { z } from 'zod';

export const TASK_POLICY_FEATURES = [
  'privileged',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'hostPaths',
  'capabilities',
  'devices',
  'sysctls',
  'volumeDrivers',
  'securityOptions',
] as const;
export const TaskPolicyFeature = z.enum(TASK_POLICY_FEATURES);
export type TaskPolicyFeature = z.infer<typeof TaskPolicyFeature>;

export const DEFAULT_TASK_POLICY_LEVEL = 'restricted';

export const TaskPolicy = z.strictObject({
  level: z.enum(['restricted', 'privileged']).default(DEFAULT_TASK_POLICY_LEVEL),
  allow: z.array(TaskPolicyFeature).optional(),
});
export type TaskPolicy = z.infer<typeof TaskPolicy>;
