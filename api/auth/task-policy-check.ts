/**
 * Which fields of a task definition a cluster's task policy refuses, as a pure function. Each
 * refusal names the field (its path in the TaskDefinition), the feature and the policy, and says
 * how to allow it, so the error a user sees is the whole answer.
 */
import type { TaskDefinitionSpec } from '../v1/task-definition.js';
import type { TaskPolicy, TaskPolicyFeature } from '../v1/task-policy.js';

export interface PolicyRefusal {
  path: string;
  feature: TaskPolicyFeature;
  message: string;
}

/** The parts of a task definition's spec the policy reads. */
export type PolicySubject = Pick<TaskDefinitionSpec, 'networkMode' | 'pidMode' | 'ipcMode' | 'volumes' | 'containerDefinitions'>;

const WHAT: Record<TaskPolicyFeature, string> = {
  privileged: 'a privileged container is root on the host',
  hostNetwork: "networkMode host shares the host's network namespace",
  hostPID: "pidMode host shares the host's process namespace",
  hostIPC: "ipcMode host shares the host's IPC namespace",
  hostPaths: 'a bind mount of a host path reaches the host file system',
  capabilities: 'added Linux capabilities widen what the container may do to the host',
  devices: 'a host device is passed into the container',
  sysctls: 'sysctls change kernel settings',
  volumeDrivers: 'this volume driver (or its options) can bind-mount host paths',
  securityOptions: 'these Docker security options (seccomp, AppArmor, SELinux labels) loosen the confinement',
};

/** Security options that only narrow what a container may do: any policy allows them. */
const NARROWING_SECURITY_OPTIONS = /^no-new-privileges(?:[:=]true)?$/;

/** A Docker volume that can mount a host path: a non-local driver, or the local driver's bind options. */
function bindsHost(config: { driver?: string; driverOpts?: Record<string, string> }): boolean {
  if (config.driver !== undefined && config.driver !== 'local') return true;
  const opts = config.driverOpts ?? {};
  return opts.device !== undefined || /(^|,)r?bind(,|$)/.test(opts.o ?? '') || opts.type === 'none';
}

/** The features `spec` uses, each at the path that uses it. */
export function usedFeatures(spec: PolicySubject): { path: string; feature: TaskPolicyFeature }[] {
  const used: { path: string; feature: TaskPolicyFeature }[] = [];
  if (spec.networkMode === 'host') used.push({ path: 'spec.networkMode', feature: 'hostNetwork' });
  if (spec.pidMode === 'host') used.push({ path: 'spec.pidMode', feature: 'hostPID' });
  if (spec.ipcMode === 'host') used.push({ path: 'spec.ipcMode', feature: 'hostIPC' });
  spec.volumes?.forEach((v, i) => {
    if (v.host?.sourcePath !== undefined) used.push({ path: `spec.volumes[${i}].host.sourcePath`, feature: 'hostPaths' });
    if (v.dockerVolumeConfiguration && bindsHost(v.dockerVolumeConfiguration))
      used.push({ path: `spec.volumes[${i}].dockerVolumeConfiguration`, feature: 'volumeDrivers' });
  });
  spec.containerDefinitions.forEach((c, i) => {
    const at = `spec.containerDefinitions[${i}]`;
    if (c.privileged) used.push({ path: `${at}.privileged`, feature: 'privileged' });
    if (c.linuxParameters?.capabilities?.add?.length) used.push({ path: `${at}.linuxParameters.capabilities.add`, feature: 'capabilities' });
    if (c.linuxParameters?.devices?.length) used.push({ path: `${at}.linuxParameters.devices`, feature: 'devices' });
    if (c.systemControls?.length) used.push({ path: `${at}.systemControls`, feature: 'sysctls' });
    if (c.dockerSecurityOptions?.some((o) => !NARROWING_SECURITY_OPTIONS.test(o)))
      used.push({ path: `${at}.dockerSecurityOptions`, feature: 'securityOptions' });
  });
  return used;
}

/** What `policy` (absent: restricted) of `cluster` refuses in `spec`. */
export function policyRefusals(spec: PolicySubject, policy: TaskPolicy | undefined, cluster: string): PolicyRefusal[] {
  if (policy?.level === 'privileged') return [];
  const allowed = new Set(policy?.allow ?? []);
  return usedFeatures(spec)
    .filter((u) => !allowed.has(u.feature))
    .map((u) => ({
      ...u,
      message: `${u.path}: ${WHAT[u.feature]}; the restricted task policy of cluster ${cluster} refuses "${u.feature}" (a cluster admin may add it to the Cluster's spec.taskPolicy.allow)`,
    }));
}
