/**
 * Parsing `web` / `web:3` with no dependency beyond the language, so the web console's bundle
 * (console/) can share it without taking zod or node:crypto along; task-definition-ref.ts
 * re-exports it with the schemas.
 */

export interface TaskDefinitionRef {
  family: string;
  /** Absent: the newest ACTIVE revision of the family. */
  revision?: number;
}

export const SHORT_REF = '[A-Za-z0-9_-]{1,255}';
const REF_PATTERN = new RegExp(`^(${SHORT_REF})(?::([1-9][0-9]{0,9}))?$`);

/** "web:3" → {family: "web", revision: 3}; "web" → {family: "web"}; undefined if malformed (ARNs too: parse those with the schemas of task-definition-ref.ts). */
export function parseTaskDefinitionRef(ref: string): TaskDefinitionRef | undefined {
  const m = REF_PATTERN.exec(ref);
  if (!m?.[1]) return undefined;
  return m[2] === undefined ? { family: m[1] } : { family: m[1], revision: Number(m[2]) };
}
