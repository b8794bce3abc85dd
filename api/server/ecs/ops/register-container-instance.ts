/**
 * RegisterContainerInstance, as far as it means something for berth: it creates (or, for a name
 * that exists, updates) the ContainerInstance record with what the machine offers
 * (`totalResources`) and its attributes. The record is then waiting for its agent: `berth agent
 * --instance NAME` with that instance's token (`berth agent token NAME`) adopts it, keeping the
 * resources and attributes registered here (controllers/agent/registration.ts sets only its own
 * fields on an instance that exists); until then it is not agentConnected and gets no tasks.
 *
 * The instance's name is its id: the one in `containerInstanceArn`, else the `instanceId` of
 * `instanceIdentityDocument`. What berth cannot honour is refused, never dropped: an EC2 identity
 * signature (berth cannot verify one; its agents prove who they are with their token), versionInfo
 * (the agent reports its own version), platformDevices and tags.
 */
import { z } from 'zod';
import type { ContainerInstanceSpec } from '../../../v1/container-instance.js';
import { DEFAULT_RESERVED_PORTS } from '../../../v1/container-instance.js';
import { API_VERSION } from '../../../v1/meta.js';
import type { EcsCall } from '../context.js';
import { invalidParameter } from '../errors.js';
import { parseBody } from '../input.js';
import { clusterName, memberName } from '../refs.js';
import { shape } from '../shapes.js';

const TARGET_TYPE = 'container-instance';
const Resource = z.object({
  name: z.string().min(1),
  type: z.string().optional(),
  doubleValue: z.number().optional(),
  longValue: z.number().optional(),
  integerValue: z.int().optional(),
  stringSetValue: z.array(z.string()).optional(),
});
type Resource = z.infer<typeof Resource>;
const Register = z.object({
  cluster: z.string().optional(),
  instanceIdentityDocument: z.string().optional(),
  instanceIdentityDocumentSignature: z.string().optional(),
  totalResources: z.array(Resource).optional(),
  versionInfo: z.looseObject({}).optional(),
  containerInstanceArn: z.string().min(1).optional(),
  attributes: z
    .array(
      z.object({
        name: z.string().min(1).max(128),
        value: z.string().min(1).max(128).optional(),
        targetType: z.literal(TARGET_TYPE).optional(),
        targetId: z.string().optional(),
      }),
    )
    .optional(),
  platformDevices: z.array(z.unknown()).optional(),
  tags: z.array(z.unknown()).optional(),
});
type Register = z.infer<typeof Register>;

/** The instance id an EC2 identity document names. */
function instanceIdOf(document: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw invalidParameter('instanceIdentityDocument: not JSON; give the document EC2 serves, or containerInstanceArn');
  }
  const id = z.object({ instanceId: z.string().min(1) }).safeParse(parsed);
  if (!id.success) throw invalidParameter('instanceIdentityDocument: it has no instanceId; give one, or containerInstanceArn');
  return id.data.instanceId;
}

function refuseUnsupported(input: Register): void {
  if (input.instanceIdentityDocumentSignature !== undefined)
    throw invalidParameter(
      'instanceIdentityDocumentSignature: berth cannot verify EC2 identity signatures; omit it (the agent proves its identity with its berth token)',
    );
  if (input.versionInfo !== undefined) throw invalidParameter('versionInfo: the berth agent reports its own version when it connects; omit it');
  if ((input.platformDevices ?? []).length > 0) throw invalidParameter('platformDevices: not supported by berth; omit it');
  if ((input.tags ?? []).length > 0) throw invalidParameter('tags: container instances carry no tags in berth; tag them after registering, or omit it');
}

const integer = (r: Resource, i: number) => {
  if (r.integerValue === undefined || r.integerValue < 0) throw invalidParameter(`totalResources.${i}: ${r.name} needs a non-negative integerValue`);
  return r.integerValue;
};
const ports = (r: Resource, i: number) =>
  (r.stringSetValue ?? []).map((p) => {
    const port = Number(p);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidParameter(`totalResources.${i}: ${r.name} holds "${p}", not a port 1-65535`);
    return port;
  });

/** ECS's Resource list as berth's registeredResources (CPU and MEMORY required for a new instance). */
function resourcesOf(
  list: readonly Resource[],
  existing: ContainerInstanceSpec['registeredResources'] | undefined,
): ContainerInstanceSpec['registeredResources'] {
  const out: Partial<ContainerInstanceSpec['registeredResources']> = { ...existing };
  for (const [i, r] of list.entries()) {
    if (r.name === 'CPU') out.cpu = integer(r, i);
    else if (r.name === 'MEMORY') out.memory = integer(r, i);
    else if (r.name === 'PORTS') out.ports = ports(r, i);
    else if (r.name === 'PORTS_UDP') out.portsUdp = ports(r, i);
    else if (r.name === 'GPU') out.gpu = (r.stringSetValue ?? []).length;
    else throw invalidParameter(`totalResources.${i}.name: ${r.name} is not a resource berth schedules (CPU, MEMORY, PORTS, PORTS_UDP, GPU)`);
  }
  const { cpu, memory } = out;
  if (cpu === undefined || memory === undefined) throw invalidParameter('totalResources: a new container instance needs CPU and MEMORY (INTEGER)');
  return { ...out, cpu, memory, ports: out.ports ?? [...DEFAULT_RESERVED_PORTS] };
}

export async function registerContainerInstance(call: EcsCall, body: unknown) {
  const input = parseBody(Register, body);
  refuseUnsupported(input);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const name =
    input.containerInstanceArn !== undefined
      ? memberName(input.containerInstanceArn, TARGET_TYPE, cluster)
      : input.instanceIdentityDocument !== undefined
        ? instanceIdOf(input.instanceIdentityDocument)
        : undefined;
  if (name === undefined) throw invalidParameter('name the instance: containerInstanceArn, or an instanceIdentityDocument with its instanceId');
  const attributes: Record<string, string> = {};
  for (const [i, a] of (input.attributes ?? []).entries()) {
    if (a.targetId !== undefined && memberName(a.targetId, TARGET_TYPE, cluster) !== name)
      throw invalidParameter(`attributes.${i}.targetId: ${a.targetId} is not the instance being registered (${name})`);
    attributes[a.name] = a.value ?? '';
  }
  const ref = { cluster, name };
  const existing = await call.client.get('ContainerInstance', ref);
  if (!existing) {
    const created = await call.client.create({
      apiVersion: API_VERSION,
      kind: 'ContainerInstance',
      metadata: ref,
      spec: { status: 'ACTIVE', attributes, registeredResources: resourcesOf(input.totalResources ?? [], undefined) },
    });
    return { containerInstance: shape.containerInstance(created, { ...call.arn, taskDefinitions: new Map() }) };
  }
  // Registering again (ECS's re-registration): what is given replaces what was registered.
  const { object } = await call.client.mutate('ContainerInstance', ref, (ci) => {
    if (input.totalResources !== undefined) ci.spec.registeredResources = resourcesOf(input.totalResources, ci.spec.registeredResources);
    Object.assign(ci.spec.attributes, attributes);
  });
  return { containerInstance: shape.containerInstance(object, { ...call.arn, taskDefinitions: new Map() }) };
}
