/**
 * PutAttributes, ListAttributes, DeleteAttributes: ECS's custom attributes of container instances,
 * kept in the instance's spec.attributes, which is where the scheduler's placement constraints
 * (`attribute:team == blue`) and spread strategies read them. ECS's only target type is
 * `container-instance`. Names with the agent's prefixes (`ecs.`, `berth.`) describe the machine and
 * are the agent's to set, so they are refused here, as ECS refuses `ecs.` ones.
 */
import { z } from 'zod';
import { ecsArn, isArn } from '../../../v1/arn.js';
import type { EcsCall } from '../context.js';
import { EcsError, invalidParameter } from '../errors.js';
import { parseBody } from '../input.js';
import { listAll } from '../list-all.js';
import { page } from '../pagination.js';
import { clusterName, memberName } from '../refs.js';

const TARGET_TYPE = 'container-instance';
/** ECS's limits: ten custom attributes on a resource, ten attributes in a call. */
export const MAX_CUSTOM_ATTRIBUTES = 10;
const RESERVED_PREFIXES = ['ecs.', 'berth.'];

const Attribute = z.object({
  name: z.string().min(1).max(128),
  value: z.string().min(1).max(128).optional(),
  targetType: z.literal(TARGET_TYPE).optional(),
  targetId: z.string().min(1).optional(),
});
type Attribute = z.infer<typeof Attribute>;
const Change = z.object({ cluster: z.string().optional(), attributes: z.array(Attribute).min(1).max(MAX_CUSTOM_ATTRIBUTES) });
const List = z.object({
  cluster: z.string().optional(),
  targetType: z.literal(TARGET_TYPE),
  attributeName: z.string().min(1).optional(),
  attributeValue: z.string().min(1).optional(),
  nextToken: z.string().optional(),
  maxResults: z.int().optional(),
});

const isCustom = (name: string) => !RESERVED_PREFIXES.some((p) => name.startsWith(p));

/** An attribute as ECS returns it: an attribute set without a value is kept as "" and shown without one. */
export const attributeOut = (call: EcsCall, cluster: string, instance: string, name: string, value: string) => ({
  name,
  ...(value === '' ? {} : { value }),
  targetType: TARGET_TYPE,
  targetId: ecsArn.containerInstance(call.arn, cluster, instance),
});

/** The instance each attribute is for, checked before anything is written: a bad attribute changes nothing. */
async function resolve(call: EcsCall, cluster: string, attributes: readonly Attribute[]) {
  const byInstance = new Map<string, Attribute[]>();
  for (const [i, a] of attributes.entries()) {
    if (!isCustom(a.name))
      throw invalidParameter(`attributes.${i}.name: ${a.name} is set by the agent (names starting ${RESERVED_PREFIXES.join(' or ')}); choose another name`);
    if (a.targetId === undefined) throw invalidParameter(`attributes.${i}.targetId: name the container instance (its id or ARN)`);
    if (!isArn(a.targetId) && a.targetType === undefined)
      throw invalidParameter(`attributes.${i}.targetType: give "${TARGET_TYPE}" with a short targetId (or give the container instance's ARN)`);
    const name = memberName(a.targetId, TARGET_TYPE, cluster);
    if (!byInstance.has(name)) {
      if (!(await call.client.get('ContainerInstance', { cluster, name })))
        throw new EcsError('TargetNotFoundException', `Could not find ${a.targetId}. The container instance is not in cluster ${cluster}.`);
      byInstance.set(name, []);
    }
    byInstance.get(name)?.push(a);
  }
  return byInstance;
}

export async function putAttributes(call: EcsCall, body: unknown) {
  const input = parseBody(Change, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const byInstance = await resolve(call, cluster, input.attributes);
  for (const [name, attributes] of byInstance) {
    const current = await call.client.mustGet('ContainerInstance', { cluster, name });
    const after = { ...current.spec.attributes, ...Object.fromEntries(attributes.map((a) => [a.name, a.value ?? ''])) };
    if (Object.keys(after).filter(isCustom).length > Math.max(MAX_CUSTOM_ATTRIBUTES, Object.keys(current.spec.attributes).filter(isCustom).length))
      throw new EcsError('AttributeLimitExceededException', `You can apply up to ${MAX_CUSTOM_ATTRIBUTES} custom attributes for each resource (${name}).`);
  }
  const out = [];
  for (const [name, attributes] of byInstance) {
    await call.client.mutate('ContainerInstance', { cluster, name }, (ci) => {
      for (const a of attributes) ci.spec.attributes[a.name] = a.value ?? '';
    });
    out.push(...attributes.map((a) => attributeOut(call, cluster, name, a.name, a.value ?? '')));
  }
  return { attributes: out };
}

export async function deleteAttributes(call: EcsCall, body: unknown) {
  const input = parseBody(Change, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const byInstance = await resolve(call, cluster, input.attributes);
  const out = [];
  for (const [name, attributes] of byInstance) {
    await call.client.mutate('ContainerInstance', { cluster, name }, (ci) => {
      for (const a of attributes) delete ci.spec.attributes[a.name];
    });
    out.push(...attributes.map((a) => attributeOut(call, cluster, name, a.name, a.value ?? '')));
  }
  return { attributes: out };
}

export async function listAttributes(call: EcsCall, body: unknown) {
  const input = parseBody(List, body);
  if (input.attributeValue !== undefined && input.attributeName === undefined) throw invalidParameter('attributeValue: give attributeName with it');
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const all = (await listAll(call.client, 'ContainerInstance', cluster)).flatMap((ci) =>
    Object.entries(ci.spec.attributes)
      .filter(
        ([name, value]) =>
          (input.attributeName === undefined || name === input.attributeName) && (input.attributeValue === undefined || value === input.attributeValue),
      )
      .map(([name, value]) => ({ instance: ci.metadata.name, name, value })),
  );
  const result = page(all, (a) => `${a.instance}\u0000${a.name}`, input.nextToken, input.maxResults);
  return {
    attributes: result.items.map((a) => attributeOut(call, cluster, a.instance, a.name, a.value)),
    ...(result.nextToken ? { nextToken: result.nextToken } : {}),
  };
}
