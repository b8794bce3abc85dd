/**
 * Amazon Resource Names as ECS writes them, in one place: parsing what users hold (a task-definition
 * ARN where ECS takes a reference) and making the ARNs `-o ecs` prints.
 *
 * berth has no AWS account. It shows a stable 12-digit account id derived from the installation's
 * uid (so two installations never print the same ARNs, and one always prints the same), and the
 * region from configuration (`us-east-1` when none is set: the region of ECS's own examples).
 *
 * Shapes (the "long" ARN format ECS uses for every new resource):
 *   arn:aws:ecs:REGION:ACCOUNT:cluster/CLUSTER
 *   arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION
 *   arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE
 *   arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/TASK_ID
 *   arn:aws:ecs:REGION:ACCOUNT:container-instance/CLUSTER/INSTANCE_ID
 *   arn:aws:ecs:REGION:ACCOUNT:container/CLUSTER/TASK_ID/CONTAINER_ID
 *   arn:aws:ecs:REGION:ACCOUNT:service-deployment/CLUSTER/SERVICE/ID
 *   arn:aws:ecs:REGION:ACCOUNT:service-revision/CLUSTER/SERVICE/ID
 */
import { createHash } from 'node:crypto';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_PARTITION = 'aws';

/** Where the printed ARNs live. */
export interface ArnContext {
  partition?: string;
  region: string;
  accountId: string;
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  /** `task-definition/web:3` → type `task-definition`, id `web:3`. */
  resourceType: string;
  resourceId: string;
}

// partition : service : region : account : type/id. Region and account may be empty in some
// services' ARNs, never in ECS's, but parsing stays general so one parser serves every caller.
const ARN = /^arn:([a-z][a-z0-9-]*):([a-z0-9-]+):([a-z0-9-]*):([0-9]*):([A-Za-z0-9-]+)[/:](.+)$/;

export function parseArn(text: string): ParsedArn | undefined {
  const m = ARN.exec(text);
  if (!m) return undefined;
  const [, partition = '', service = '', region = '', accountId = '', resourceType = '', resourceId = ''] = m;
  return { partition, service, region, accountId, resourceType, resourceId };
}

export function isArn(text: string): boolean {
  return text.startsWith('arn:');
}

/** The pattern of a task-definition ARN, without anchors, for schemas that accept one. */
export const TASK_DEFINITION_ARN_PATTERN = 'arn:[a-z][a-z0-9-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}:[1-9][0-9]{0,9}';
const TASK_DEFINITION_ARN = new RegExp(`^${TASK_DEFINITION_ARN_PATTERN}$`);

/** `arn:aws:ecs:us-east-1:123456789012:task-definition/web:3` → `{family: 'web', revision: 3}`; undefined if not one. */
export function parseTaskDefinitionArn(text: string): { family: string; revision: number } | undefined {
  if (!TASK_DEFINITION_ARN.test(text)) return undefined;
  const arn = parseArn(text);
  const colon = arn?.resourceId.lastIndexOf(':') ?? -1;
  if (!arn || colon < 0) return undefined;
  return { family: arn.resourceId.slice(0, colon), revision: Number(arn.resourceId.slice(colon + 1)) };
}

/** 12 decimal digits from the installation uid: stable for one installation, different across them. */
export function accountIdFor(installationUid: string): string {
  const digest = createHash('sha256').update(`berth-account:${installationUid}`).digest();
  // 40 bits are plenty to keep installations apart; mod 10^12 keeps exactly 12 digits with padding.
  const n = digest.readUIntBE(0, 5) % 1_000_000_000_000;
  return String(n).padStart(12, '0');
}

function arn(ctx: ArnContext, resource: string): string {
  return `arn:${ctx.partition ?? DEFAULT_PARTITION}:ecs:${ctx.region}:${ctx.accountId}:${resource}`;
}

export const ecsArn = {
  cluster: (ctx: ArnContext, cluster: string) => arn(ctx, `cluster/${cluster}`),
  taskDefinition: (ctx: ArnContext, family: string, revision: number) => arn(ctx, `task-definition/${family}:${revision}`),
  service: (ctx: ArnContext, cluster: string, service: string) => arn(ctx, `service/${cluster}/${service}`),
  task: (ctx: ArnContext, cluster: string, taskId: string) => arn(ctx, `task/${cluster}/${taskId}`),
  containerInstance: (ctx: ArnContext, cluster: string, instanceId: string) => arn(ctx, `container-instance/${cluster}/${instanceId}`),
  serviceDeployment: (ctx: ArnContext, cluster: string, service: string, id: string) => arn(ctx, `service-deployment/${cluster}/${service}/${id}`),
  serviceRevision: (ctx: ArnContext, cluster: string, service: string, id: string) => arn(ctx, `service-revision/${cluster}/${service}/${id}`),
  container: (ctx: ArnContext, cluster: string, taskId: string, containerId: string) => arn(ctx, `container/${cluster}/${taskId}/${containerId}`),
};
