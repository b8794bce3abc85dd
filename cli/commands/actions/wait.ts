/**
 * `berth wait`: watches the object (cli/wait/watch-until.ts) until the condition holds (exit 0) or
 * --timeout passes (exit 1, saying what the object shows).
 */
import type { BerthClient } from '../../../api/client/types.js';
import type { KindName } from '../../../api/keys.js';
import { parseDuration } from '../../duration.js';
import { kindLabel, splitKindName } from '../../output/kinds.js';
import { parseCondition, WaitConditionError, type WaitCondition } from '../../wait/condition.js';
import { watchUntil } from '../../wait/watch-until.js';
import type { WaitFlags } from '../wait.js';
import { withSession, type Io } from './run.js';

export default function runWait(flags: WaitFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const target = splitKindName(flags.target);
    if (!target || target.name === '') throw new WaitConditionError(`"${flags.target}" is not KIND/NAME; write e.g. service/web or task/NAME`);
    const condition = parseCondition(flags.for, target.kind);
    const timeoutMs = parseDuration(flags.timeout, '--timeout');
    const kindCluster = target.kind === 'Cluster' ? undefined : (flags.cluster ?? cluster);
    return waitFor(client, { kind: target.kind, name: target.name, cluster: kindCluster }, condition, timeoutMs, io);
  });
}

async function waitFor(
  client: BerthClient,
  ref: { kind: KindName; name: string; cluster: string | undefined },
  condition: WaitCondition,
  timeoutMs: number,
  io: Io,
): Promise<number> {
  const label = `${kindLabel(ref.kind)}/${ref.name}`;
  const { met: ok, seen } = await watchUntil(
    client,
    { kind: ref.kind, cluster: ref.cluster, names: [ref.name] },
    (s) => condition.met(s.get(ref.name)),
    timeoutMs,
  );
  if (ok) return met(io, label, condition);
  io.stderr.write(
    `error: timed out after ${timeoutText(timeoutMs)} waiting for ${label} to meet --for=${condition.text} (${condition.observed(seen.get(ref.name))})\n`,
  );
  return 1;
}

function met(io: Io, label: string, condition: WaitCondition): number {
  io.stdout.write(`${label} ${condition.text === 'delete' ? 'deleted' : `condition met (${condition.text})`}\n`);
  return 0;
}

const timeoutText = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
