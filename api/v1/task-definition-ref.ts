/**
 * References to task definitions: `web` (the family's newest ACTIVE revision) or `web:3` (pinned).
 * Stored revisions are named `family:N`, so a pinned reference is also a TaskDefinition's name.
 * Wherever ECS takes a reference it also takes the revision's ARN
 * (`arn:aws:ecs:us-east-1:123456789012:task-definition/web:3`); the schemas below accept one and
 * store `web:3`, so readers only ever see the short form.
 */
import { z } from 'zod';
import { parseTaskDefinitionArn, TASK_DEFINITION_ARN_PATTERN } from './arn.js';
import { ECS_IDENTIFIER_PATTERN } from './common.js';
import { parseTaskDefinitionRef, SHORT_REF as SHORT, type TaskDefinitionRef } from './task-definition-ref-text.js';

export { parseTaskDefinitionRef, type TaskDefinitionRef };

export function formatTaskDefinitionRef(ref: TaskDefinitionRef): string {
  return ref.revision === undefined ? ref.family : `${ref.family}:${ref.revision}`;
}

export function isValidFamily(family: string): boolean {
  return ECS_IDENTIFIER_PATTERN.test(family);
}

/** An ARN becomes `family:N`; anything else is left as written. */
const shortForm = (ref: string): string => {
  const fromArn = parseTaskDefinitionArn(ref);
  return fromArn ? formatTaskDefinitionRef(fromArn) : ref;
};

/** `family`, `family:N`, or a task-definition ARN (stored as `family:N`). */
export const TaskDefinitionRefString = z
  .string()
  .regex(
    new RegExp(`^(?:${SHORT}(?::[1-9][0-9]{0,9})?|${TASK_DEFINITION_ARN_PATTERN})$`),
    'must be a task definition family ("web") or family:revision ("web:3"), or that revision\'s ARN ("arn:aws:ecs:REGION:ACCOUNT:task-definition/web:3")',
  )
  .transform(shortForm);

/** Exactly `family:N` (or that revision's ARN), as a task runs one revision. */
export const PinnedTaskDefinitionRefString = z
  .string()
  .regex(new RegExp(`^(?:${SHORT}:[1-9][0-9]{0,9}|${TASK_DEFINITION_ARN_PATTERN})$`), 'must be family:revision, e.g. "web:3", or that revision\'s ARN')
  .transform(shortForm);

/** A stored revision's number: its status says it, else its `family:N` name (0 when neither does). */
export function revisionOf(td: { metadata: { name: string }; status?: { revision?: number } | undefined }): number {
  return td.status?.revision ?? parseTaskDefinitionRef(td.metadata.name)?.revision ?? 0;
}
