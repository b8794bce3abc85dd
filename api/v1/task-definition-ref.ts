/**
 * References to task definitions: `web` (the family's newest ACTIVE revision) or `web:3` (pinned).
 * Stored revisions are named `family:N`, so a pinned reference is also a TaskDefinition's name.
 */
import { z } from 'zod';
import { ECS_IDENTIFIER_PATTERN } from './common.js';

export interface TaskDefinitionRef {
  family: string;
  /** Absent: the newest ACTIVE revision of the family. */
  revision?: number;
}

const REF_PATTERN = /^([A-Za-z0-9_-]{1,255})(?::([1-9][0-9]{0,9}))?$/;

/** "web:3" → {family: "web", revision: 3}; "web" → {family: "web"}; undefined if malformed. */
export function parseTaskDefinitionRef(ref: string): TaskDefinitionRef | undefined {
  const m = REF_PATTERN.exec(ref);
  if (!m?.[1]) return undefined;
  return m[2] === undefined ? { family: m[1] } : { family: m[1], revision: Number(m[2]) };
}

export function formatTaskDefinitionRef(ref: TaskDefinitionRef): string {
  return ref.revision === undefined ? ref.family : `${ref.family}:${ref.revision}`;
}

export function isValidFamily(family: string): boolean {
  return ECS_IDENTIFIER_PATTERN.test(family);
}

/** `family` or `family:N`. */
export const TaskDefinitionRefString = z
  .string()
  .regex(REF_PATTERN, 'must be a task definition family ("web") or family:revision ("web:3")');

/** Exactly `family:N`, as a task runs one revision. */
export const PinnedTaskDefinitionRefString = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}:[1-9][0-9]{0,9}$/, 'must be family:revision, e.g. "web:3"');

/** A stored revision's number: its status says it, else its `family:N` name (0 when neither does). */
export function revisionOf(td: { metadata: { name: string }; status?: { revision?: number } | undefined }): number {
  return td.status?.revision ?? parseTaskDefinitionRef(td.metadata.name)?.revision ?? 0;
}
