/**
 * What `run-task --overrides FILE --env K=V [--container NAME]` sends as ECS's `overrides`: the file
 * (the shape of RunTask's `overrides`, also accepted wrapped as `{"overrides": …}` so a saved request
 * body works), with each --env merged into the named container's environment, --env winning.
 */
import { formatPath } from '../../api/usecases/resources/errors.js';
import { TaskOverrides, toIssues } from '../../api/v1/index.js';

export class RunTaskOverridesError extends Error {
  override readonly name = 'RunTaskOverrides';
  readonly retriable = false;
}

export interface OverridesInput {
  /** The --overrides file's name and text, if given. */
  file?: { name: string; text: string };
  /** --env values as written: `K=V`. */
  env: string[];
  /** --container; needed for --env when the definition has more than one container. */
  container?: string;
  /** The definition's containers, in order. */
  containerNames: string[];
}

export function buildOverrides(input: OverridesInput): TaskOverrides | undefined {
  const fromFile = input.file ? parseFile(input.file) : undefined;
  if (input.env.length === 0) return fromFile;
  const target = envTarget(input);
  const env = input.env.map(parseEnv);
  const overrides: TaskOverrides = { ...fromFile, containerOverrides: [...(fromFile?.containerOverrides ?? [])] };
  const list = overrides.containerOverrides ?? [];
  const index = list.findIndex((o) => o.name === target);
  const current = list[index] ?? { name: target };
  const names = new Set(env.map((e) => e.name));
  const merged = { ...current, environment: [...(current.environment ?? []).filter((e) => !names.has(e.name)), ...env] };
  if (index >= 0) list[index] = merged;
  else list.push(merged);
  return overrides;
}

function parseFile({ name, text }: { name: string; text: string }): TaskOverrides {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RunTaskOverridesError(`--overrides ${name}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const body = isWrapped(json) ? json.overrides : json;
  const parsed = TaskOverrides.safeParse(body);
  if (parsed.success) return parsed.data;
  const where = isWrapped(json) ? 'overrides.' : '';
  const lines = toIssues(parsed.error).map((i) => `  ${i.path.length > 0 ? where + formatPath(i.path) : '(top level)'}: ${i.message}`);
  throw new RunTaskOverridesError(`--overrides ${name} is not an ECS task override (containerOverrides, cpu, memory):\n${lines.join('\n')}`);
}

function isWrapped(json: unknown): json is { overrides: unknown } {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && Object.keys(json).length === 1 && 'overrides' in json;
}

function envTarget({ container, containerNames }: OverridesInput): string {
  if (container !== undefined) {
    if (!containerNames.includes(container))
      throw new RunTaskOverridesError(`--container ${container}: not a container of this task definition (its containers: ${containerNames.join(', ')})`);
    return container;
  }
  const [only, ...others] = containerNames;
  if (only === undefined || others.length > 0)
    throw new RunTaskOverridesError(
      `--env: the task definition has ${containerNames.length} containers (${containerNames.join(', ')}); name the one to set with --container NAME`,
    );
  return only;
}

function parseEnv(text: string): { name: string; value: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new RunTaskOverridesError(`--env ${text}: write NAME=VALUE`);
  return { name: text.slice(0, eq), value: text.slice(eq + 1) };
}
