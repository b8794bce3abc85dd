/** CreateCluster, DeleteCluster, DescribeClusters, ListClusters, UpdateCluster over berth's Cluster objects. */
import { z } from 'zod';
import { ecsArn } from '../../../v1/arn.js';
import { API_VERSION } from '../../../v1/meta.js';
import { AlreadyExistsError } from '../../../usecases/resources/errors.js';
import type { EcsCall } from '../context.js';
import { EcsError } from '../errors.js';
import { parseBody } from '../input.js';
import { page } from '../pagination.js';
import { clusterName } from '../refs.js';
import { shape } from '../shapes.js';

const Setting = z.object({ name: z.string().min(1), value: z.string() });

const CreateCluster = z.object({ clusterName: z.string().min(1).optional(), settings: z.array(Setting).optional() });
const DeleteCluster = z.object({ cluster: z.string().min(1) });
const DescribeClusters = z.object({ clusters: z.array(z.string().min(1)).max(100).optional(), include: z.array(z.string()).optional() });
const ListClusters = z.object({ nextToken: z.string().optional(), maxResults: z.int().optional() });
const UpdateCluster = z.object({ cluster: z.string().min(1), settings: z.array(Setting).optional() });
const UpdateClusterSettings = z.object({ cluster: z.string().min(1), settings: z.array(Setting) });

const settingsOf = (settings: { name: string; value: string }[] | undefined) =>
  settings === undefined ? undefined : Object.fromEntries(settings.map((s) => [s.name, s.value]));

export async function createCluster(call: EcsCall, body: unknown) {
  const input = parseBody(CreateCluster, body);
  const name = input.clusterName ?? 'default';
  const settings = settingsOf(input.settings);
  try {
    const created = await call.client.create({ apiVersion: API_VERSION, kind: 'Cluster', metadata: { name }, spec: settings ? { settings } : {} });
    return { cluster: shape.cluster(created, call.arn) };
  } catch (err) {
    // ECS's CreateCluster is idempotent: creating a cluster that exists returns it.
    if (!(err instanceof AlreadyExistsError)) throw err;
    return { cluster: shape.cluster(await call.client.mustGet('Cluster', { name }), call.arn) };
  }
}

export async function deleteCluster(call: EcsCall, body: unknown) {
  const name = clusterName(parseBody(DeleteCluster, body).cluster);
  const cluster = await call.client.mustGet('Cluster', { name });
  // ECS refuses to delete a cluster that still holds anything, naming what.
  const refusals = [
    ['Service', 'ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.'],
    ['Task', 'ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.'],
    ['ContainerInstance', 'ClusterContainsContainerInstancesException', 'The Cluster cannot be deleted while Container Instances are active.'],
  ] as const;
  for (const [kind, type, message] of refusals) {
    const { items } = await call.client.list(kind, { cluster: name, limit: 50 });
    const live = kind === 'Task' ? items.filter((t) => t.kind === 'Task' && t.status?.lastStatus !== 'STOPPED') : items;
    if (live.length > 0) throw new EcsError(type, message);
  }
  await call.client.delete('Cluster', { name });
  return { cluster: shape.cluster(cluster, call.arn, true) };
}

export async function describeClusters(call: EcsCall, body: unknown) {
  const input = parseBody(DescribeClusters, body);
  const clusters = [];
  const failures = [];
  for (const ref of input.clusters ?? ['default']) {
    const name = clusterName(ref);
    const found = await call.client.get('Cluster', { name });
    if (found) clusters.push(shape.cluster(found, call.arn));
    else failures.push({ arn: ecsArn.cluster(call.arn, name), reason: 'MISSING' });
  }
  return { clusters, failures };
}

export async function listClusters(call: EcsCall, body: unknown) {
  const input = parseBody(ListClusters, body);
  const { items } = await call.client.list('Cluster', {});
  const arns = items.map((c) => ecsArn.cluster(call.arn, c.metadata.name));
  const result = page(arns, (a) => a, input.nextToken, input.maxResults);
  return { clusterArns: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
}

async function setSettings(call: EcsCall, ref: string, settings: { name: string; value: string }[] | undefined) {
  const name = clusterName(ref);
  const { object } = await call.client.mutate('Cluster', { name }, (c) => {
    if (settings) c.spec.settings = { ...c.spec.settings, ...settingsOf(settings) };
  });
  return { cluster: shape.cluster(object, call.arn) };
}

export async function updateCluster(call: EcsCall, body: unknown) {
  const input = parseBody(UpdateCluster, body);
  return setSettings(call, input.cluster, input.settings);
}

export async function updateClusterSettings(call: EcsCall, body: unknown) {
  const input = parseBody(UpdateClusterSettings, body);
  return setSettings(call, input.cluster, input.settings);
}
