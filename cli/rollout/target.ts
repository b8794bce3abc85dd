/** `service NAME` or `service/NAME`, the target of every `berth rollout` sub-command. */
import { UsageError } from '../commands/actions/apply.js';
import { kindLabel, resolveKind, splitKindName } from '../output/kinds.js';

export function serviceName(args: readonly string[], command: string): string {
  const [first, second, ...rest] = args;
  const parsed =
    args.length === 1
      ? splitKindName(first ?? '')
      : first !== undefined && second !== undefined && rest.length === 0
        ? { kind: resolveKind(first), name: second }
        : undefined;
  if (!parsed) throw new UsageError(`expected \`berth rollout ${command} service NAME\` (or service/NAME)`);
  if (parsed.kind !== 'Service') throw new UsageError(`only services roll out, not ${kindLabel(parsed.kind)}`);
  return parsed.name;
}
