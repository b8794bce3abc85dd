/** Resource names as users type them (kubectl's short names, singulars and plurals) to kinds. */
import { KIND_PLURALS, type KindName } from '../../api/keys.js';

const ALIASES: Record<string, KindName> = {
  cluster: 'Cluster',
  clusters: 'Cluster',
  containerinstance: 'ContainerInstance',
  containerinstances: 'ContainerInstance',
  instance: 'ContainerInstance',
  instances: 'ContainerInstance',
  ci: 'ContainerInstance',
  taskdefinition: 'TaskDefinition',
  taskdefinitions: 'TaskDefinition',
  td: 'TaskDefinition',
  tds: 'TaskDefinition',
  task: 'Task',
  tasks: 'Task',
  service: 'Service',
  services: 'Service',
  svc: 'Service',
  lease: 'Lease',
  leases: 'Lease',
  secret: 'Secret',
  secrets: 'Secret',
};

export class UnknownKindError extends Error {
  override readonly name = 'UnknownKind';
  readonly retriable = false;
  constructor(text: string) {
    super(`the server doesn't have a resource type "${text}"; expected one of ${KIND_NAMES_FOR_HELP}`);
  }
}

export const KIND_NAMES_FOR_HELP = 'services (svc), tasks, taskdefinitions (td), containerinstances (ci, instances), clusters, leases, secrets';

/** `svc` → Service; also accepts the kind itself in any case (`Service`, `TaskDefinition`). */
export function resolveKind(text: string): KindName {
  const kind = ALIASES[text.toLowerCase()];
  if (!kind) throw new UnknownKindError(text);
  return kind;
}

/** `service`, as kubectl names a kind in `service/web`. */
export function kindLabel(kind: KindName): string {
  return kind.toLowerCase();
}

/** `services`, as kubectl names a resource type in messages. */
export function kindPlural(kind: KindName): string {
  return KIND_PLURALS[kind];
}

export const KIND_ALIASES: readonly string[] = Object.keys(ALIASES);

/** `KIND/NAME` (kubectl's `service/web`) into its parts; undefined when there is no slash. */
export function splitKindName(text: string): { kind: KindName; name: string } | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0) return undefined;
  return { kind: resolveKind(text.slice(0, slash)), name: text.slice(slash + 1) };
}
