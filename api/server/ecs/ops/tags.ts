/**
 * TagResource, UntagResource, ListTagsForResource. Services keep ECS tags in spec.tags (changed
 * here as `berth apply` would change them); task-definition revisions are immutable in berth, so
 * their tags (given at registration) are read here but not changed. Other resources carry no tags.
 */
import { z } from 'zod';
import { parseArn, parseTaskDefinitionArn } from '../../../v1/arn.js';
import type { EcsCall } from '../context.js';
import { invalidParameter } from '../errors.js';
import { parseBody } from '../input.js';

const Tag = z.object({ key: z.string().min(1).max(128), value: z.string().max(256).optional() });
const List = z.object({ resourceArn: z.string().min(1) });
const TagIt = z.object({ resourceArn: z.string().min(1), tags: z.array(Tag).min(1).max(50) });
const Untag = z.object({ resourceArn: z.string().min(1), tagKeys: z.array(z.string().min(1)).min(1).max(50) });

type Target = { kind: 'Service'; cluster: string; name: string } | { kind: 'TaskDefinition'; name: string } | { kind: 'other' };

function targetOf(resourceArn: string): Target {
  const arn = parseArn(resourceArn);
  if (!arn || arn.service !== 'ecs') throw invalidParameter(`${resourceArn} is not an ECS resource ARN`);
  if (arn.resourceType === 'service') {
    const [cluster, name] = arn.resourceId.split('/');
    if (!cluster || !name) throw invalidParameter(`${resourceArn}: use the long service ARN (service/CLUSTER/NAME)`);
    return { kind: 'Service', cluster, name };
  }
  const td = parseTaskDefinitionArn(resourceArn);
  if (td) return { kind: 'TaskDefinition', name: `${td.family}:${td.revision}` };
  return { kind: 'other' };
}

export async function listTagsForResource(call: EcsCall, body: unknown) {
  const target = targetOf(parseBody(List, body).resourceArn);
  if (target.kind === 'Service') return { tags: (await call.client.mustGet('Service', target)).spec.tags ?? [] };
  if (target.kind === 'TaskDefinition') return { tags: (await call.client.mustGet('TaskDefinition', { name: target.name })).spec.tags ?? [] };
  return { tags: [] };
}

function mutableService(target: Target): { cluster: string; name: string } {
  if (target.kind === 'Service') return target;
  throw invalidParameter(
    target.kind === 'TaskDefinition'
      ? 'task definition revisions are immutable here: their tags are given when they are registered'
      : 'only services carry tags on this endpoint',
  );
}

export async function tagResource(call: EcsCall, body: unknown) {
  const input = parseBody(TagIt, body);
  const ref = mutableService(targetOf(input.resourceArn));
  await call.client.mutate('Service', ref, (s) => {
    const kept = (s.spec.tags ?? []).filter((t) => !input.tags.some((n) => n.key === t.key));
    s.spec.tags = [...kept, ...input.tags];
  });
  return {};
}

export async function untagResource(call: EcsCall, body: unknown) {
  const input = parseBody(Untag, body);
  const ref = mutableService(targetOf(input.resourceArn));
  await call.client.mutate('Service', ref, (s) => {
    const kept = (s.spec.tags ?? []).filter((t) => !input.tagKeys.includes(t.key));
    s.spec.tags = kept.length > 0 ? kept : undefined;
  });
  return {};
}
