/**
 * ListServiceDeployments and DescribeServiceDeployments from the service's deployment history
 * (status.history, newest first, kept by controllers/service/history.ts) with the live counts of
 * status.deployments. A rollback is a second record of the same deployment; the ARN names the
 * deployment, so the newest record of each is its service deployment.
 */
import { z } from 'zod';
import type { ObjectOf } from '../../../client/types.js';
import type { DeploymentRecord } from '../../../v1/service.js';
import type { HookRun } from '../../../v1/deployment-strategy.js';
import { ecsArn, type ArnContext } from '../../../v1/arn.js';
import type { EcsCall } from '../context.js';
import { parseBody } from '../input.js';
import { page } from '../pagination.js';
import { clusterName, memberName } from '../refs.js';
import { serviceDeploymentId, serviceDeploymentRef } from './service-deployments.js';

type Service = ObjectOf<'Service'>;

const STATUSES = [
  'PENDING',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'IN_PROGRESS',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
] as const;
type ServiceDeploymentStatus = (typeof STATUSES)[number];

const ListServiceDeployments = z.object({
  service: z.string().min(1),
  cluster: z.string().optional(),
  status: z.array(z.enum(STATUSES)).optional(),
  // Epoch seconds on the wire, as every timestamp of the protocol.
  createdAt: z.object({ before: z.number().optional(), after: z.number().optional() }).optional(),
  nextToken: z.string().optional(),
  maxResults: z.int().optional(),
});
const DescribeServiceDeployments = z.object({ serviceDeploymentArns: z.array(z.string().min(1)).min(1).max(20) });

/** The record's state as ECS names it: a failed deployment the service went back from was rolled back. */
function statusOf(record: DeploymentRecord, history: readonly DeploymentRecord[]): ServiceDeploymentStatus {
  if (record.state === 'IN_PROGRESS') return 'IN_PROGRESS';
  if (record.state === 'COMPLETED') return 'SUCCESSFUL';
  if (record.state === 'FAILED' && history.some((r) => r.rollbackFrom === record.id)) return 'ROLLBACK_SUCCESSFUL';
  return 'STOPPED';
}

const seconds = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso) / 1000);

/** The hooks of the stage a deployment is in, as ECS's DeploymentLifecycleHookDetail: hookId is what ContinueServiceDeployment takes. */
function hookDetails(service: Service, hooks: readonly HookRun[]) {
  return hooks.map((h) => {
    const targetArn = service.spec.deploymentConfiguration.lifecycleHooks?.[h.index]?.hookTargetArn;
    return {
      hookId: h.hookId,
      targetType: h.targetType,
      ...(targetArn === undefined ? {} : { targetArn }),
      status: h.status,
      ...(h.expiresAt === undefined ? {} : { expiresAt: seconds(h.expiresAt) }),
      ...(h.timeoutAction === undefined ? {} : { timeoutAction: h.timeoutAction }),
    };
  });
}

/** The service deployments of `service` (newest first, one per deployment), in ECS's ServiceDeployment shape. */
export function serviceDeployments(arn: ArnContext, service: Service) {
  const cluster = service.metadata.cluster ?? '';
  const history = service.status?.history ?? [];
  const seen = new Set<string>();
  const newest = history.filter((r) => !seen.has(r.id) && (seen.add(r.id), true));
  const revisionArn = (id: string) => ecsArn.serviceRevision(arn, cluster, service.metadata.name, serviceDeploymentId(id));
  return newest.map((r) => {
    const live = service.status?.deployments.find((d) => d.id === r.id);
    const statusReason = r.reason ?? live?.rolloutStateReason;
    return {
      serviceDeploymentArn: ecsArn.serviceDeployment(arn, cluster, service.metadata.name, serviceDeploymentId(r.id)),
      serviceArn: ecsArn.service(arn, cluster, service.metadata.name),
      clusterArn: ecsArn.cluster(arn, cluster),
      createdAt: seconds(r.startedAt),
      startedAt: seconds(r.startedAt),
      ...(r.finishedAt === undefined ? {} : { finishedAt: seconds(r.finishedAt) }),
      ...(live?.updatedAt === undefined ? {} : { updatedAt: seconds(live.updatedAt) }),
      status: statusOf(r, history),
      ...(statusReason === undefined ? {} : { statusReason }),
      ...(live?.rollout === undefined ? {} : { lifecycleStage: live.rollout.stage, lifecycleHookDetails: hookDetails(service, live.rollout.hooks) }),
      // The revision it deploys (DescribeServiceRevisions describes it); while it runs, with its counts
      // and the revisions it replaces (the other deployments that still have tasks).
      targetServiceRevision: {
        arn: revisionArn(r.id),
        ...(live === undefined ? {} : { requestedTaskCount: live.desiredCount, runningTaskCount: live.runningCount, pendingTaskCount: live.pendingCount }),
      },
      ...(live?.status !== 'PRIMARY' || r.state !== 'IN_PROGRESS'
        ? {}
        : {
            sourceServiceRevisions: (service.status?.deployments ?? [])
              .filter((d) => d.id !== live.id && d.status === 'ACTIVE')
              .map((d) => ({ arn: revisionArn(d.id), requestedTaskCount: d.desiredCount, runningTaskCount: d.runningCount, pendingTaskCount: d.pendingCount })),
          }),
    };
  });
}

/** Above every creation time in ms (year 33658): subtracted from it, later sorts first. */
const NEWEST_FIRST_MS = 1e15;

/**
 * The page key of a deployment created at `createdAt` (epoch seconds): newest first, as ECS lists
 * them, then by ARN. Whole milliseconds at a fixed width: a fractional number's text has no fixed
 * width, and padding it sorted 34.500 s before 34.505 s.
 */
export function newestFirstKey(createdAt: number, arn: string): string {
  return `${String(NEWEST_FIRST_MS - Math.round(createdAt * 1000)).padStart(16, '0')} ${arn}`;
}

export async function listServiceDeployments(call: EcsCall, body: unknown) {
  const input = parseBody(ListServiceDeployments, body);
  const cluster = clusterName(input.cluster);
  await call.client.mustGet('Cluster', { name: cluster });
  const service = await call.client.mustGet('Service', { cluster, name: memberName(input.service, 'service', cluster) });
  const { before, after } = input.createdAt ?? {};
  const all = serviceDeployments(call.arn, service).filter(
    (d) =>
      (input.status === undefined || input.status.includes(d.status)) &&
      (before === undefined || (d.createdAt ?? 0) < before) &&
      (after === undefined || (d.createdAt ?? 0) > after),
  );
  const key = (d: (typeof all)[number]) => newestFirstKey(d.createdAt ?? 0, d.serviceDeploymentArn);
  const result = page(all, key, input.nextToken, input.maxResults);
  return {
    serviceDeployments: result.items.map((d) => ({
      serviceDeploymentArn: d.serviceDeploymentArn,
      serviceArn: d.serviceArn,
      clusterArn: d.clusterArn,
      createdAt: d.createdAt,
      startedAt: d.startedAt,
      ...(d.finishedAt === undefined ? {} : { finishedAt: d.finishedAt }),
      status: d.status,
      ...(d.statusReason === undefined ? {} : { statusReason: d.statusReason }),
    })),
    ...(result.nextToken ? { nextToken: result.nextToken } : {}),
  };
}

export async function describeServiceDeployments(call: EcsCall, body: unknown) {
  const input = parseBody(DescribeServiceDeployments, body);
  const found = [];
  const failures = [];
  for (const arnText of input.serviceDeploymentArns) {
    const ref = serviceDeploymentRef(arnText);
    const service = await call.client.get('Service', { cluster: ref.cluster, name: ref.service });
    const deployment =
      service && serviceDeployments(call.arn, service).find((d) => d.serviceDeploymentArn.endsWith(`/${ref.cluster}/${ref.service}/${ref.id}`));
    if (deployment) found.push(deployment);
    else failures.push({ arn: arnText, reason: 'MISSING' });
  }
  return { serviceDeployments: found, failures };
}
