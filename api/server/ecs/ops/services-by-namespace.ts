/**
 * ListServicesByNamespace: the services, of every cluster, whose service-discovery record is in a
 * namespace. berth has no Cloud Map: a namespace is the DNS zone its services' records share
 * (api/v1/service-registry.ts serviceNamespace), named as such (`shop.internal`) or by a Cloud Map
 * namespace ARN whose id is that name (`arn:aws:servicediscovery:REGION:ACCOUNT:namespace/shop.internal`).
 * A namespace exists while a service is registered in it; for any other name the answer is ECS's
 * for an unknown namespace, NamespaceNotFoundException.
 */
import { z } from 'zod';
import { ecsArn, parseArn } from '../../../v1/arn.js';
import { dnsName, serviceNamespace } from '../../../v1/service-registry.js';
import type { EcsCall } from '../context.js';
import { EcsError, invalidParameter } from '../errors.js';
import { parseBody } from '../input.js';
import { listAll } from '../list-all.js';
import { page } from '../pagination.js';

const ListServicesByNamespace = z.object({ namespace: z.string().min(1), nextToken: z.string().optional(), maxResults: z.int().optional() });

/** `shop.internal`, `shop.internal.` or `arn:…:servicediscovery:…:namespace/shop.internal` → `shop.internal`. */
export function namespaceName(text: string): string {
  const arn = parseArn(text);
  if (arn && (arn.service !== 'servicediscovery' || arn.resourceType !== 'namespace'))
    throw invalidParameter(`namespace: ${text} is neither a namespace name nor a namespace ARN (arn:aws:servicediscovery:REGION:ACCOUNT:namespace/NAME)`);
  const name = dnsName(arn ? arn.resourceId : text);
  if (name === undefined)
    throw new EcsError('NamespaceNotFoundException', `Namespace not found: ${text} is not a DNS name, so berth has no namespace of that name.`);
  return name;
}

export async function listServicesByNamespace(call: EcsCall, body: unknown) {
  const input = parseBody(ListServicesByNamespace, body);
  const namespace = namespaceName(input.namespace);
  const services = (await listAll(call.client, 'Service')).filter(
    (s) => !s.metadata.deletionTimestamp && (s.spec.serviceRegistries ?? []).some((r) => serviceNamespace(s, r) === namespace),
  );
  if (services.length === 0) throw new EcsError('NamespaceNotFoundException', `Namespace not found: no service is registered in namespace ${namespace}.`);
  const arns = services.map((s) => ecsArn.service(call.arn, s.metadata.cluster ?? '', s.metadata.name));
  const result = page(arns, (a) => a, input.nextToken, input.maxResults);
  return { serviceArns: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}
