/**
 * The task policy, checked again when the service controller launches tasks. The API checks a
 * service's task definition when the service is written; a policy tightened later would otherwise
 * go on being bypassed by every replacement and scale-up. Tasks already running are left running
 * (as Kubernetes' Pod Security admission and ECS leave running pods and tasks): the policy says
 * what may start, and stopping a workload is an operator's decision (`desiredCount: 0`).
 */
import { policyRefusals, type PolicySubject } from '../../api/auth/task-policy-check.js';
import type { TaskPolicy } from '../../api/v1/task-policy.js';

/** Why the service may not launch tasks of `definition` (undefined: it may). Pure. */
export function launchRefusal(
  service: string,
  definition: { name: string; spec: PolicySubject },
  policy: TaskPolicy | undefined,
  cluster: string,
): string | undefined {
  const refusals = policyRefusals(definition.spec, policy, cluster);
  if (refusals.length === 0) return undefined;
  return (
    `service ${service} was unable to launch tasks: task definition ${definition.name} is refused by the task policy of cluster ${cluster}: ` +
    `${refusals.map((r) => r.message).join('; ')}. Running tasks are left running`
  );
}
