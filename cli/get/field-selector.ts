/**
 * `--field-selector`: kubectl's syntax (`a=b`, `a==b`, `a!=b`, comma = and) over an object's
 * fields. Tasks have short names for the fields people filter on (instance, service, lastStatus,
 * taskDefinition); any kind takes a path under metadata, spec or status. Applied by the CLI to
 * the listed objects.
 */
import type { KindName } from '../../api/keys.js';
import type { BerthObject } from '../../api/v1/index.js';
import { SERVICE_GROUP_PREFIX } from '../../api/v1/task.js';
import { UsageError } from '../commands/actions/apply.js';

type Getter = (o: BerthObject) => unknown;

const path =
  (dotted: string): Getter =>
  (o) =>
    dotted.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), o);

const TASK_FIELDS: Record<string, Getter> = {
  instance: path('spec.containerInstance'),
  service: (o) => (o.kind === 'Task' && o.spec.group?.startsWith(SERVICE_GROUP_PREFIX) ? o.spec.group.slice(SERVICE_GROUP_PREFIX.length) : undefined),
  lastStatus: path('status.lastStatus'),
  taskDefinition: path('spec.taskDefinition'),
};
const FIELDS: Partial<Record<KindName, Record<string, Getter>>> = { Task: TASK_FIELDS };

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  matches(o: BerthObject): boolean;
  /** Whether it names a field (so the default `--status` filter steps aside for lastStatus). */
  names(field: string): boolean;
}

export function parseFieldSelector(kind: KindName, text: string): FieldSelector {
  const shortNames = FIELDS[kind] ?? {};
  const requirements: FieldRequirement[] = [];
  const getters: Getter[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m?.[1] || m[2] === undefined || m[3] === undefined)
      throw new UsageError(`--field-selector "${part}": write FIELD=VALUE or FIELD!=VALUE (comma-separated)`);
    const [, field, op, value] = m;
    const getter = shortNames[field] ?? (/^(metadata|spec|status)\.[A-Za-z0-9_.]+$/.test(field) ? path(field) : undefined);
    if (!getter) {
      const known = Object.keys(shortNames);
      throw new UsageError(
        `--field-selector: "${field}" is not a field of ${kind}; use ${known.length > 0 ? `${known.join(', ')}, or ` : ''}a path such as metadata.name or spec.${kind === 'Task' ? 'group' : 'taskDefinition'}`,
      );
    }
    requirements.push({ field, op: op === '!=' ? '!=' : '=', value });
    getters.push(getter);
  }
  return {
    requirements,
    matches: (o) => requirements.every((r, i) => (scalarText(getters[i]?.(o)) === r.value) === (r.op === '=')),
    names: (field) => requirements.some((r) => r.field === field || r.field === `status.${field}`),
  };
}

/** A field's value as selectors compare it: scalars as text, anything else (or nothing) as ''. */
function scalarText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
