/**
 * The agent's ContainerInstance: registered (created with what the machine offers, or its agent
 * fields updated after a restart), then kept alive by heartbeats, each a small merge patch of status.
 */
import type { BerthClient } from '../../api/client/types.js';
import { AlreadyExistsError, NotFoundError } from '../../api/usecases/resources/errors.js';
import { DEFAULT_RESERVED_PORTS, type ContainerInstanceSpec } from '../../api/v1/container-instance.js';
import { API_VERSION } from '../../api/v1/meta.js';
import type { InstanceUtilization } from '../../api/v1/utilization.js';
import type { ObjectOf } from '../kit/types.js';
import { AGENT_VERSION } from './options.js';

export interface Registration {
  client: BerthClient;
  cluster: string;
  name: string;
  attributes: Record<string, string>;
  resources: { cpu: number; memory: number; gpu?: number };
  /** The agent's log server, for the API server to call; absent: it serves no logs. */
  address?: string;
  /** SHA-256 of the certificate an https log server serves. */
  certificateSha256?: string;
  /** The latest utilisation report (utilization-sampler.ts), carried by the next heartbeat. */
  utilization?: () => InstanceUtilization | undefined;
  now: () => number;
}

type Instance = ObjectOf<'ContainerInstance'>;

/**
 * Creates the instance with what the machine offers; on an instance that exists (a restart) sets
 * only spec.agent. What steers placement (status, registeredResources, attributes) is reported
 * once, at registration, and changed after that by an admin only (api/auth/agent-instance-rules.ts):
 * an agent must not be able to undo a drain or draw more work to itself.
 */
export async function registerInstance(r: Registration): Promise<Instance> {
  const ref = { cluster: r.cluster, name: r.name };
  // The address and certificate are set (or cleared) on every registration: ones left from an
  // earlier run would send the API server to a port nothing listens on any more.
  const agentOf = (existing: Instance | undefined): ContainerInstanceSpec['agent'] => ({
    ...existing?.spec.agent,
    version: AGENT_VERSION,
    address: r.address,
    certificateSha256: r.certificateSha256,
  });
  let existing = await r.client.get('ContainerInstance', ref);
  if (!existing) {
    const spec: ContainerInstanceSpec = {
      status: 'ACTIVE',
      attributes: r.attributes,
      registeredResources: {
        cpu: r.resources.cpu,
        memory: r.resources.memory,
        ...(r.resources.gpu !== undefined ? { gpu: r.resources.gpu } : {}),
        ports: [...DEFAULT_RESERVED_PORTS],
      },
      agent: agentOf(undefined),
    };
    try {
      existing = await r.client.create({ apiVersion: API_VERSION, kind: 'ContainerInstance', metadata: ref, spec });
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      existing = await r.client.mustGet('ContainerInstance', ref);
    }
  }
  await r.client.mutate('ContainerInstance', ref, (ci) => {
    ci.spec.agent = agentOf(ci);
  });
  const now = new Date(r.now()).toISOString();
  return r.client.patch(
    'ContainerInstance',
    ref,
    { status: { agentConnected: true, lastHeartbeat: now, registeredAt: existing.status?.registeredAt ?? now } },
    { subresource: 'status' },
  );
}

/**
 * One heartbeat; re-registers when the instance was deleted meanwhile. It carries the utilisation
 * report when there is one: the report's task list is an array, which a merge patch replaces whole,
 * so tasks that ended drop out of it.
 */
export async function heartbeat(r: Registration): Promise<void> {
  const ref = { cluster: r.cluster, name: r.name };
  const utilization = r.utilization?.();
  try {
    await r.client.patch(
      'ContainerInstance',
      ref,
      { status: { agentConnected: true, lastHeartbeat: new Date(r.now()).toISOString(), ...(utilization ? { utilization } : {}) } },
      { subresource: 'status' },
    );
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    await registerInstance(r);
  }
}
