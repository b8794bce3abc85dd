/**
 * `berth wait`: lists the object's kind, then watches from the list's revision (no polling) until
 * the condition holds (exit 0) or --timeout passes (exit 1, saying what the object shows). A watch
 * that ends on its own (server restart, compaction) is followed by a fresh list and watch.
 */
import type { BerthClient } from '../../../api/client/types.js';
import type { KindName } from '../../../api/keys.js';
import { parseDuration } from '../../duration.js';
import { kindLabel, splitKindName } from '../../output/kinds.js';
import { parseCondition, WaitConditionError, type WaitCondition } from '../../wait/condition.js';
import type { WaitFlags } from '../wait.js';
import { listAll } from './objects.js';
import { withSession, type Io } from './run.js';

const RETRY_MS = 1_000;

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

async function waitFor(client: BerthClient, ref: { kind: KindName; name: string; cluster: string | undefined }, condition: WaitCondition, timeoutMs: number, io: Io): Promise<number> {
  const label = `${kindLabel(ref.kind)}/${ref.name}`;
  let timedOut = false;
  let watch: { cancel(): Promise<void> } | undefined;
  const timer = setTimeout(() => ((timedOut = true), void watch?.cancel()), timeoutMs);
  const stop = () => void watch?.cancel();
  process.once('SIGINT', stop);
  let last: Parameters<WaitCondition['met']>[0];
  try {
    while (!timedOut) {
      const listed = await listAll(client, ref.kind, { cluster: ref.cluster });
      last = listed.items.find((o) => o.metadata.name === ref.name);
      if (condition.met(last)) return met(io, label, condition);
      if (timedOut) break;
      const w = client.watch(ref.kind, { cluster: ref.cluster, fromRevision: Number(listed.resourceVersion) + 1 });
      watch = w;
      if (timedOut) await w.cancel();
      for await (const batch of w) {
        for (const event of batch) {
          if (event.ref.name !== ref.name) continue;
          last = event.type === 'DELETED' ? undefined : event.object;
          if (condition.met(last)) {
            await w.cancel();
            return met(io, label, condition);
          }
        }
      }
      if (!timedOut) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    io.stderr.write(`error: timed out after ${timeoutText(timeoutMs)} waiting for ${label} to meet --for=${condition.text} (${condition.observed(last)})\n`);
    return 1;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', stop);
  }
}

function met(io: Io, label: string, condition: WaitCondition): number {
  io.stdout.write(`${label} ${condition.text === 'delete' ? 'deleted' : `condition met (${condition.text})`}\n`);
  return 0;
}

const timeoutText = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
