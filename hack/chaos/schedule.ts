/** The order of a run's faults. */
import { FAULT_KINDS, type FaultKind } from './faults.js';

/** One fault of every kind (in a random order) before the second of any, so a run cut short by
 * its time limit still saw each kind. */
export function scheduleOf(counts: Partial<Record<FaultKind, number>>): FaultKind[] {
  const most = Math.max(0, ...Object.values(counts).map((n) => n ?? 0));
  return Array.from({ length: most }, (_, pass) => shuffle(FAULT_KINDS.filter((k) => (counts[k] ?? 0) > pass))).flat();
}

function shuffle<T>(items: readonly T[]): T[] {
  return items
    .map((item) => ({ item, r: Math.random() }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.item);
}
