/**
 * What ECS users hold, made into a clean TaskDefinition spec before validation, at every edge that
 * takes one (manifest loading and the API's register path), so the stored object never carries it:
 *
 *  - the fields DescribeTaskDefinition adds (READ_ONLY_FIELDS) are dropped, as
 *    aws-actions/amazon-ecs-deploy-task-definition drops them before registering;
 *  - `null`, `""`, `[]` and `{}` values are dropped, as that action's `cleanNullKeys` drops them: a
 *    console export or `describe-task-definition` writes every absent field that way
 *    (`"entryPoint": null`, `"mountPoints": []`). Two deliberate differences: an environment
 *    variable's empty value stays (the action restores it too), and empty strings inside lists stay
 *    (they are command arguments, and `["sh", "-c", ""]` means something). As the action does, an
 *    environment variable written with a null value is set to the empty string.
 *
 * Pure and idempotent: cleaning a clean spec returns an equal one.
 */

/** In describe-task-definition output, not RegisterTaskDefinition input. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CleanedSpec {
  spec: unknown;
  /** The read-only fields that were present and dropped, in document order. */
  droppedReadOnly: string[];
}

/** `raw` (a task definition's spec as written) with read-only fields and empty values removed. */
export function cleanTaskDefinitionSpec(raw: unknown): CleanedSpec {
  if (!isPlain(raw)) return { spec: raw, droppedReadOnly: [] };
  const readOnly: readonly string[] = READ_ONLY_FIELDS;
  const droppedReadOnly = Object.keys(raw).filter((k) => readOnly.includes(k));
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !readOnly.includes(k)));
  return { spec: cleanValue(kept, []), droppedReadOnly };
}

/** Whether a property holding `value` says nothing: absent in all but name. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlain(value)) return Object.keys(value).length === 0;
  return false;
}

function cleanValue(value: unknown, path: readonly string[]): unknown {
  if (Array.isArray(value))
    return value
      .filter((item) => item !== null && item !== undefined)
      .map((item) => withEnvironmentValue(cleanValue(item, path), path))
      .filter((item) => !(isPlain(item) && isEmpty(item)));
  if (!isPlain(value)) return value;
  const out: Plain = {};
  for (const [key, child] of Object.entries(value)) {
    const cleaned = cleanValue(child, [...path, key]);
    if (isEmpty(cleaned) && !keepsEmptyString(path, key, cleaned)) continue;
    out[key] = cleaned;
  }
  return out;
}

/** `environment: [{name: X, value: null}]` is X set to "", as the deploy action sends it. */
function withEnvironmentValue(item: unknown, path: readonly string[]): unknown {
  if (path.at(-1) !== 'environment' || !isPlain(item) || !('name' in item) || 'value' in item) return item;
  return { ...item, value: '' };
}

/** `environment: [{name: X, value: ""}]` sets X to the empty string, which is not the same as unset. */
function keepsEmptyString(path: readonly string[], key: string, value: unknown): boolean {
  return value === '' && key === 'value' && path.at(-1) === 'environment';
}
