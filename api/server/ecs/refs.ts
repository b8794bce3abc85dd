/**
 * ECS takes a cluster, service, task or container instance by name (or id) or by ARN; berth's
 * objects are named by the name. These turn either into the name, and check that an ARN names the
 * cluster the request is about (ECS refuses a service ARN of another cluster).
 */
import { DEFAULT_CLUSTER } from '../../v1/meta.js';
import { isArn, parseArn, parseTaskDefinitionArn } from '../../v1/arn.js';
import { invalidParameter } from './errors.js';

/** `prod` or `arn:…:cluster/prod` → `prod`; absent → ECS's `default`. */
export function clusterName(ref: string | undefined): string {
  if (ref === undefined || ref === '') return DEFAULT_CLUSTER;
  if (!isArn(ref)) return ref;
  const arn = parseArn(ref);
  if (!arn || arn.service !== 'ecs' || arn.resourceType !== 'cluster') throw invalidParameter(`${ref} is not a cluster ARN`);
  return arn.resourceId;
}

/**
 * `web` or `arn:…:service/prod/web` (or the short `arn:…:service/web`) → `web`. `type` is the ARN's
 * resource type (`service`, `task`, `container-instance`).
 */
export function memberName(ref: string, type: string, cluster: string): string {
  if (!isArn(ref)) return ref;
  const arn = parseArn(ref);
  if (!arn || arn.service !== 'ecs' || arn.resourceType !== type) throw invalidParameter(`${ref} is not a ${type} ARN`);
  const parts = arn.resourceId.split('/');
  const name = parts.at(-1) ?? '';
  if (parts.length === 2 && parts[0] !== cluster) throw invalidParameter(`${ref} is in cluster ${parts[0]}, not in cluster ${cluster}`);
  return name;
}

/** `web`, `web:3` or a task-definition ARN → `web` / `web:3`. */
export function taskDefinitionRef(ref: string): string {
  if (!isArn(ref)) return ref;
  const parsed = parseTaskDefinitionArn(ref);
  if (!parsed) throw invalidParameter(`${ref} is not a task definition ARN (arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION)`);
  return `${parsed.family}:${parsed.revision}`;
}
