/**
 * What an agent may write in its own ContainerInstance, as a pure function of (the object it
 * would write, the stored one). An agent reports what its machine offers once, when it registers
 * the instance; after that only an admin changes what steers placement: spec.status (DRAINING),
 * registeredResources and attributes, and the metadata (labels, annotations, finalizers, owners).
 * Otherwise an agent could undo a drain, claim a bigger machine or an attribute a placement
 * constraint asks for, and so draw other workloads (and their secrets) to itself.
 *
 * The agent may change spec.agent (its version and log address, the address checked here and,
 * for uniqueness, by the API server) and, in status, what it observes: agentConnected,
 * lastHeartbeat, registeredAt and the utilisation of its tasks.
 */
import { isDeepStrictEqual } from 'node:util';
import { ContainerInstanceStatus, type ContainerInstance } from '../v1/container-instance.js';

export interface Refusal {
  /** Field path, e.g. `spec.status`. */
  path: string;
  message: string;
}

const METADATA = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;
const SPEC = ['status', 'registeredResources', 'attributes'] as const;
const AGENT_STATUS = new Set(['agentConnected', 'lastHeartbeat', 'registeredAt', 'utilization']);

/** Why the agent may not write `next` over `current` (undefined: a registration), or [] when it may. */
export function agentInstanceRefusals(next: ContainerInstance, current: ContainerInstance | undefined, subresource: 'status' | undefined): Refusal[] {
  if (subresource === 'status') return current ? statusRefusals(next, current) : [];
  const refusals: Refusal[] = [];
  if (!current) {
    if (next.spec.status !== 'ACTIVE') refusals.push({ path: 'spec.status', message: 'an agent registers its instance ACTIVE; an admin drains it' });
    for (const field of ['finalizers', 'ownerReferences'] as const)
      if (next.metadata[field]?.length) refusals.push({ path: `metadata.${field}`, message: `an agent may not set ${field}` });
  } else {
    for (const field of SPEC)
      if (!isDeepStrictEqual(next.spec[field], current.spec[field]))
        refusals.push({ path: `spec.${field}`, message: `an agent may not change ${field} after registration; an admin may` });
    for (const field of METADATA)
      if (!isDeepStrictEqual(next.metadata[field] ?? emptyOf(field), current.metadata[field] ?? emptyOf(field)))
        refusals.push({ path: `metadata.${field}`, message: `an agent may not change its instance's ${field}` });
  }
  const address = next.spec.agent?.address;
  if (address !== undefined && address !== current?.spec.agent?.address) {
    const problem = logAddressProblem(address);
    if (problem) refusals.push({ path: 'spec.agent.address', message: problem });
  }
  return refusals;
}

function statusRefusals(next: ContainerInstance, current: ContainerInstance): Refusal[] {
  // Through the schema, so that a field absent on one side and at its default on the other is equal.
  const before: Record<string, unknown> = ContainerInstanceStatus.parse(current.status ?? {});
  const after: Record<string, unknown> = ContainerInstanceStatus.parse(next.status ?? {});
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...fields]
    .filter((f) => !AGENT_STATUS.has(f) && !isDeepStrictEqual(before[f], after[f]))
    .map((f) => ({ path: `status.${f}`, message: `the instance controller writes ${f}, not the agent` }));
}

const emptyOf = (field: (typeof METADATA)[number]) => (field === 'labels' || field === 'annotations' ? {} : []);

/**
 * An agent's log address is where the API server sends its requests (with a credential): it must
 * be a plain http(s) origin, with nothing that would make the server send more than that.
 */
export function logAddressProblem(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return `"${address}" is not a URL; expected e.g. https://10.0.0.5:51678`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${address}" must be an http or https URL`;
  if (url.username !== '' || url.password !== '') return `"${address}" must not carry credentials`;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    return `"${address}" must be an origin only (scheme, host, port), without a path or query`;
  return undefined;
}
