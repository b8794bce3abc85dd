/** `service NAME` or `service/NAME`, the target of every `berth rollout` sub-command. */
import { UsageError } from '../commands/actions/apply.js';
import { kindLabel, resolveKind, splitKindName } from '../output/kinds.js';

export function serviceName(args: readonly string[], command: string): string {
  const [first, second, ...rest] = args;
  const parsed = args.length === 1 ? splitKindName(first ?? '') : first !== undefined && second !== undefined && rest.length === 0 ? { kind: resolveKind(first), name: second } : undefined;
  if (!parsed) throw new UsageError(`expected \`berth rollout ${command} service NAME\` (or service/NAME)`);
  if (parsed.kind !== 'Service') throw new UsageError(`only services roll out, not ${kindLabel(parsed.kind)}`);
  return parsed.name;
}

/** `90s`, `2m`, `500ms`, `1h`, or plain seconds, into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`invalid duration "${text}": use e.g. 90s, 5m, 1h or a number of seconds`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Math.round(Number(m[1]) * unit);
}
