/**
 * min-replicas: a service annotated `example.berth.dev/min-replicas: "N"` never runs fewer than N
 * tasks: a desiredCount below N is raised to N, and the service's events say so.
 *
 * Level-based: it reads the service, decides, writes; `mutate` says whether it changed anything,
 * so a replica that lost a race to the same write says nothing twice.
 */
import { defineController, done, TerminalError } from 'berth/kit';

export const MIN_REPLICAS = 'example.berth.dev/min-replicas';

/** The floor a service asks for, undefined when it does not opt in (pure, table-tested). */
export function floorOf(annotations: Record<string, string> | undefined): number | undefined {
  const text = annotations?.[MIN_REPLICAS];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new TerminalError(`${MIN_REPLICAS}: "${text}" is not a whole number >= 0`);
  return n;
}

export const minReplicas = defineController({
  name: 'min-replicas',
  for: 'Service',
  // Only spec and metadata changes can change the answer: the service's status reports (its
  // counts, many a minute) and this controller's own events do not wake it.
  forChanged: (before, after) => before.metadata.generation !== after.metadata.generation || before.metadata.annotations !== after.metadata.annotations,
  async reconcile({ key }, { cache, client, events, log }) {
    const svc = cache.get('Service', key);
    const floor = svc && floorOf(svc.metadata.annotations);
    if (!svc || floor === undefined || svc.spec.desiredCount >= floor) return done();
    const { changed } = await client.mutate('Service', key, (s) => void (s.spec.desiredCount = Math.max(s.spec.desiredCount, floor)));
    if (changed) {
      log.info({ from: svc.spec.desiredCount, to: floor }, 'raised to the floor');
      await events.record(
        { kind: 'Service', cluster: key.cluster, name: key.name },
        `desiredCount raised from ${svc.spec.desiredCount} to ${floor} (${MIN_REPLICAS})`,
      );
    }
    return done();
  },
});
