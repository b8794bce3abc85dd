/**
 * Lets an ECS task definition drop in unchanged. Besides berth manifests, a document may be:
 *  - what `aws ecs register-task-definition --cli-input-json` takes: an object with `family` and
 *    `containerDefinitions` (and no apiVersion/kind);
 *  - what `aws ecs describe-task-definition` prints, bare (`--query taskDefinition`) or whole
 *    (`{"taskDefinition": {...}, "tags": [...]}`); top-level `tags` (present with `--include TAGS`)
 *    move into the spec, as RegisterTaskDefinition takes them.
 * All become `{apiVersion: berth.dev/v1, kind: TaskDefinition, metadata: {name: family}, spec}`, and
 * every TaskDefinition's spec (a berth manifest's too) is cleaned as ecs-input.ts says: read-only
 * fields and the nulls and empty lists of console exports are dropped.
 * Errors are still reported at the field paths of the document as written (`containerDefinitions[0].image`,
 * not `spec.containerDefinitions[0].image`), since that is what the user can find in the file.
 */
import { cleanTaskDefinitionSpec, READ_ONLY_FIELDS } from '../../v1/ecs-input.js';
import { API_VERSION } from '../../v1/meta.js';
import type { FieldPath } from './errors.js';

export { READ_ONLY_FIELDS };

/** What a document was written as. */
export type ManifestForm = 'manifest' | 'ecs-register-input' | 'ecs-describe-output';

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
  if (!isPlain(raw) || 'apiVersion' in raw || 'kind' in raw) return asWritten(raw);
  if (isPlain(raw.taskDefinition)) return fromDescribeOutput(raw, raw.taskDefinition);
  if ('family' in raw && 'containerDefinitions' in raw) return fromRegisterInput(raw);
  return asWritten(raw);
}

function asWritten(raw: unknown): ManifestShape {
  const object = isPlain(raw) && raw.kind === 'TaskDefinition' && isPlain(raw.spec) ? { ...raw, spec: cleanTaskDefinitionSpec(raw.spec).spec } : raw;
  return { form: 'manifest', object, pathInDocument: (p) => p };
}

function fromRegisterInput(input: Plain): ManifestShape {
  const form = READ_ONLY_FIELDS.some((f) => f in input) ? 'ecs-describe-output' : 'ecs-register-input';
  return {
    form,
    object: wrap(cleanTaskDefinitionSpec(input).spec),
    pathInDocument: (path) => specPath(path, (rest) => rest, ['family']),
  };
}

function fromDescribeOutput(output: Plain, described: Plain): ManifestShape {
  const cleaned = cleanTaskDefinitionSpec(described).spec;
  const spec: Plain = isPlain(cleaned) ? cleaned : {};
  const tagsFromTop = Array.isArray(output.tags) && output.tags.length > 0 && !('tags' in spec);
  if (tagsFromTop) spec.tags = output.tags;
  return {
    form: 'ecs-describe-output',
    object: wrap(spec),
    pathInDocument: (path) => specPath(path, (rest) => (tagsFromTop && rest[0] === 'tags' ? rest : ['taskDefinition', ...rest]), ['taskDefinition', 'family']),
  };
}

function wrap(spec: unknown): Plain {
  const family = isPlain(spec) ? spec.family : undefined;
  return { apiVersion: API_VERSION, kind: 'TaskDefinition', metadata: { name: family }, spec };
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
