/**
 * What a load balancer proxy's token may write in a TargetGroup's status, as a pure function of
 * (the status it would write, the stored one): its own health report (one entry under its name),
 * and nothing else. The targets are the target-group controller's, and the other proxies'
 * reports are theirs: a proxy that could change them would steer every proxy's traffic.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TargetGroupStatus } from '../v1/target-group.js';
import type { Refusal } from './agent-instance-rules.js';

type Status = Partial<TargetGroupStatus> | undefined;

/** Why `proxy` may not write `next` over `current`, or [] when it may. */
export function lbReportRefusals(proxy: string, next: Status, current: Status): Refusal[] {
  const refusals: Refusal[] = [];
  if (!isDeepStrictEqual(next?.targets ?? [], current?.targets ?? []))
    refusals.push({ path: 'status.targets', message: 'the target-group controller writes the targets; a proxy reports its health checks only' });
  if (next?.observedGeneration !== current?.observedGeneration)
    refusals.push({ path: 'status.observedGeneration', message: 'the target-group controller writes observedGeneration' });
  const others = (s: Status) => (s?.healthReports ?? []).filter((r) => r.proxy !== proxy);
  if (!isDeepStrictEqual(others(next), others(current)))
    refusals.push({ path: 'status.healthReports', message: `proxy ${proxy} may write its own report only (proxy: ${proxy}), not another proxy's` });
  if ((next?.healthReports ?? []).filter((r) => r.proxy === proxy).length > 1)
    refusals.push({ path: 'status.healthReports', message: `one report per proxy; ${proxy} wrote several` });
  return refusals;
}
