/**
 * Lets an ECS task definition drop in unchanged. Besides berth manifests, a document may be:
 *  - what `aws ecs register-task-definition --cli-input-json` takes: an object with `family` and
 *    `containerDefinitions` (and no apiVersion/kind);
 *  - what `aws ecs describe-task-definition` prints: `{"taskDefinition": {...}, "tags": [...]}`. The
 *    fields ECS adds when it registers a revision (READ_ONLY_FIELDS) are dropped, and top-level `tags`
 *    (present with `--include TAGS`) move into the spec, as RegisterTaskDefinition takes them.
 * Both become `{apiVersion: berth.dev/v1, kind: TaskDefinition, metadata: {name: family}, spec}`.
 * Errors are still reported at the field paths of the document as written (`containerDefinitions[0].image`,
 * not `spec.containerDefinitions[0].image`), since that is what the user can find in the file.
 */
import { API_VERSION } from '../v1/meta.js';
import type { FieldPath } from './errors.js';

/** What a document was written as. */
export type ManifestForm = 'manifest' | 'ecs-register-input' | 'ecs-describe-output';

/** Present in describe-task-definition output, rejected (or meaningless) as registration input. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

export interface ManifestShape {
  form: ManifestForm;
  /** The berth object to validate. */
  object: unknown;
  /** Translates a path into `object` to the path of the same field in the document as written. */
  pathInDocument(path: FieldPath): FieldPath;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

export function toManifestShape(raw: unknown): ManifestShape {
  const asIs: ManifestShape = { form: 'manifest', object: raw, pathInDocument: (p) => p };
  if (!isPlain(raw) || 'apiVersion' in raw || 'kind' in raw) return asIs;
  if (isPlain(raw.taskDefinition)) return fromDescribeOutput(raw, raw.taskDefinition);
  if ('family' in raw && 'containerDefinitions' in raw) return fromRegisterInput(raw);
  return asIs;
}

function fromRegisterInput(input: Plain): ManifestShape {
  return {
    form: 'ecs-register-input',
    object: wrap(input),
    pathInDocument: (path) => specPath(path, (rest) => rest, ['family']),
  };
}

function fromDescribeOutput(output: Plain, described: Plain): ManifestShape {
  const spec: Plain = Object.fromEntries(
    Object.entries(described).filter(([key]) => !(READ_ONLY_FIELDS as readonly string[]).includes(key)),
  );
  const tagsFromTop = Array.isArray(output.tags) && output.tags.length > 0 && !('tags' in spec);
  if (tagsFromTop) spec.tags = output.tags;
  return {
    form: 'ecs-describe-output',
    object: wrap(spec),
    pathInDocument: (path) =>
      specPath(
        path,
        (rest) => (tagsFromTop && rest[0] === 'tags' ? rest : ['taskDefinition', ...rest]),
        ['taskDefinition', 'family'],
      ),
  };
}

function wrap(spec: Plain): Plain {
  return { apiVersion: API_VERSION, kind: 'TaskDefinition', metadata: { name: spec.family }, spec };
}

/**
 * spec.X lives at X in the document (as `inSpec` places it); metadata.name is the family; the rest of
 * the envelope was made up here, so it is reported at the document's top.
 */
function specPath(path: FieldPath, inSpec: (rest: FieldPath) => FieldPath, family: FieldPath): FieldPath {
  const [head, ...rest] = path;
  if (head === 'spec') return inSpec(rest);
  if (head === 'metadata' && rest[0] === 'name') return family;
  return [];
}
