/**
 * Service discovery, ECS's `serviceRegistries`: a service's healthy tasks answer under a DNS name,
 * served by the agent on every instance (controllers/agent/discovery/).
 *
 * ECS registers tasks in an AWS Cloud Map service named by `registryArn`. berth has no Cloud Map, so
 * the record's name comes from the ARN itself: `arn:aws:servicediscovery:REGION:ACCOUNT:service/NAME`
 * (or just `NAME`) where NAME is a fully qualified DNS name such as `web.shop.internal`; without a
 * registryArn the name is `SERVICE.CLUSTER.berth.internal`. A real Cloud Map id (`srv-…`) names no
 * namespace and is refused, so a copied ECS service says what to change instead of answering nowhere.
 */
import { z } from 'zod';

/** The zone berth answers for when a registry names no namespace: `SERVICE.CLUSTER.berth.internal`. */
export const DEFAULT_DISCOVERY_DOMAIN = 'berth.internal';

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
const CLOUD_MAP_SERVICE_ARN = /^arn:[a-z-]+:servicediscovery:[^:]*:[^:]*:service\/(.+)$/;

/** Lower-cased, without a trailing dot; undefined when `name` is not a DNS name of ≤ 253 characters. */
export function dnsName(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n.length <= 253 && n.split('.').every((l) => LABEL.test(l)) ? n : undefined;
}

/** The DNS name a registryArn stands for, or an error message saying what to write instead. */
export function registryDnsName(registryArn: string): { name: string } | { error: string } {
  const id = CLOUD_MAP_SERVICE_ARN.exec(registryArn)?.[1] ?? registryArn;
  const name = dnsName(id);
  if (name === undefined) return { error: `"${id}" is not a DNS name (letters, digits, "-" and "_" in dot-separated labels of at most 63)` };
  if (!name.includes('.'))
    return {
      error: `"${id}" names no namespace: berth has no Cloud Map, so write the record's full name, e.g. arn:aws:servicediscovery:REGION:ACCOUNT:service/web.shop.internal or web.shop.internal`,
    };
  return { name };
}

/** `SERVICE.CLUSTER.berth.internal`, or the name registryArn gives. */
export function serviceDnsName(
  service: { metadata: { name: string; cluster?: string } },
  registry: Pick<ServiceRegistry, 'registryArn'>,
): { name: string } | { error: string } {
  if (registry.registryArn !== undefined) return registryDnsName(registry.registryArn);
  const cluster = service.metadata.cluster ?? 'default';
  const name = dnsName(`${service.metadata.name}.${cluster}.${DEFAULT_DISCOVERY_DOMAIN}`);
  return name !== undefined
    ? { name }
    : { error: `${service.metadata.name}.${cluster} is not a DNS name, so the service has no default one; set serviceRegistries[0].registryArn` };
}

/**
 * The namespace a service's record is in, as ECS's ListServicesByNamespace names it: the zone above
 * the record's name (`web.shop.internal` → `shop.internal`; the default `web.prod.berth.internal` →
 * `prod.berth.internal`). berth has no Cloud Map, so a namespace is no object of its own: it is the
 * zone its services' names share.
 */
export function serviceNamespace(
  service: { metadata: { name: string; cluster?: string } },
  registry: Pick<ServiceRegistry, 'registryArn'>,
): string | undefined {
  const named = serviceDnsName(service, registry);
  return 'name' in named ? named.name.slice(named.name.indexOf('.') + 1) : undefined;
}

export const ServiceRegistry = z
  .strictObject({
    /** The record's name: a DNS name, bare or as the resource of a Cloud Map service ARN (above). */
    registryArn: z
      .string()
      .min(1)
      .superRefine((arn, ctx) => {
        const parsed = registryDnsName(arn);
        if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
      })
      .optional(),
    /** The SRV port of an awsvpc task (instead of containerName/containerPort). */
    port: z.int().min(1).max(65535).optional(),
    /** The container and port whose published address SRV answers (bridge and host mode need them). */
    containerName: z.string().min(1).optional(),
    containerPort: z.int().min(1).max(65535).optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.containerName === undefined) !== (r.containerPort === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [r.containerName === undefined ? 'containerName' : 'containerPort'],
        message: 'give containerName and containerPort together',
      });
    if (r.port !== undefined && r.containerName !== undefined)
      ctx.addIssue({ code: 'custom', path: ['port'], message: 'give either port or containerName and containerPort, not both (as ECS)' });
  });
export type ServiceRegistry = z.infer<typeof ServiceRegistry>;

/** ECS: "Each service may be associated with one service registry." */
export const ServiceRegistries = z.array(ServiceRegistry).max(1, 'a service has at most one service registry (as in ECS)');

/**
 * What service discovery needs of a task that only the agent running it knows, written by that agent
 * in the task's status: where other instances reach its published ports (Cloud Map's
 * AWS_INSTANCE_IPV4), and whether an essential container has a health check (then the task answers
 * only once HEALTHY; otherwise once RUNNING).
 */
export const TaskDiscovery = z.strictObject({
  hostAddress: z.ipv4().optional(),
  healthChecked: z.boolean(),
});
export type TaskDiscovery = z.infer<typeof TaskDiscovery>;
