/**
 * Where each forward action sends a request, kept out of the config so that shifting traffic is
 * no reload (pure). Every action — one target group or several weighted — has the same SLOTS slots:
 * the config compares the request's random draw (0-999) with each slot's threshold, read from the
 * weights map (`map_str_int`), and takes the first slot whose threshold is above the draw, to the
 * backend its name in the routes map (`map`) gives. A weight change, and the first shift from one
 * group to two, are `set map` commands through the Runtime API, atomic in the running worker. A
 * reload would close the worker's idle keep-alive connections (a client that sends on one as it
 * closes loses that request) and start the servers afresh, so only listeners, rules and target
 * groups coming or going reload.
 */
import type { ForwardAction } from '../../../api/v1/load-balancer.js';
import { targetGroupNameOf } from '../../../api/v1/target-group-ref.js';
import { backendName, type Desired } from './desired.js';

/** ELB's most target groups in one forward action: every action has this many slots, used or not. */
export const SLOTS = 5;

export interface WeightSlot {
  /** Map key (in both maps): frontend, rule and slot position; stable while the listener is. */
  key: string;
  /** The transaction variable the frontend reads the threshold into. */
  variable: string;
  /** The backend the slot routes to (an unused slot: the first group's, never taken). */
  backend: string;
  /** Requests whose draw is below this (and not below an earlier slot's) go to this backend; 0: never. */
  threshold: number;
}

/** `r<priority>` for a rule, `d` for the default action. */
export const ruleId = (priority: number | undefined) => (priority === undefined ? 'd' : `r${priority}`);

export function weightSlots(frontend: string, rule: string, a: ForwardAction): WeightSlot[] {
  const one = targetGroupNameOf(a);
  const groups =
    one !== undefined
      ? [{ name: one, weight: 1 }]
      : (a.forwardConfig?.targetGroups ?? []).flatMap((g) => {
          const name = targetGroupNameOf(g);
          return name === undefined ? [] : [{ name, weight: g.weight }];
        });
  const total = groups.reduce((s, g) => s + g.weight, 0);
  const first = groups[0]?.name ?? '';
  let cumulative = 0;
  return Array.from({ length: SLOTS }, (_, i) => {
    const g = groups[i];
    cumulative += g?.weight ?? 0;
    return {
      key: `${frontend}.${rule}.${i}`,
      variable: `txn.berth_w_${rule}_${i}`,
      backend: backendName(g?.name ?? first),
      threshold: g === undefined || total === 0 ? 0 : Math.round((cumulative / total) * 1000),
    };
  });
}

/** The slots of each forward action of the desired listeners, one array per action. */
function slotsByAction(desired: Desired): WeightSlot[][] {
  return desired.frontends.flatMap((f) => {
    const actions: Array<[string, ForwardAction | undefined]> = [
      ...f.listener.rules.map((r): [string, ForwardAction | undefined] => [ruleId(r.priority), r.actions[0]]),
      [ruleId(undefined), f.listener.defaultActions[0]],
    ];
    return actions.flatMap(([rule, action]) => (action === undefined ? [] : [weightSlots(f.name, rule, action)]));
  });
}

/** Every slot of the desired listeners. */
function allSlots(desired: Desired): WeightSlot[] {
  return slotsByAction(desired).flat();
}

/** The backends some request may be sent to: each slot whose threshold is above the one before it takes a share. */
export function backendsTakingShare(desired: Desired): Set<string> {
  const out = new Set<string>();
  for (const slots of slotsByAction(desired)) {
    let below = 0;
    for (const slot of slots) {
      if (slot.threshold > below) out.add(slot.backend);
      below = Math.max(below, slot.threshold);
    }
  }
  return out;
}

/** The weights map: every slot's key → threshold. */
export function weightEntries(desired: Desired): Map<string, number> {
  return new Map(allSlots(desired).map((s) => [s.key, s.threshold]));
}

/** The routes map: every slot's key → backend. */
export function routeEntries(desired: Desired): Map<string, string> {
  return new Map(allSlots(desired).map((s) => [s.key, s.backend]));
}

/** A map file's text (read by HAProxy at start and reload). */
export function renderWeightsMap(entries: ReadonlyMap<string, number | string>): string {
  return [...entries].map(([k, v]) => `${k} ${v}\n`).join('');
}

/** `show map <file>` rows (`0x… key value`) as key → value. */
export function parseMap(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [, key, value] = line.trim().split(/\s+/);
    if (key !== undefined && value !== undefined) out.set(key, value);
  }
  return out;
}

/** Runtime API commands taking a running map to the wanted values. */
export function weightCommands(mapFile: string, want: ReadonlyMap<string, number | string>, running: ReadonlyMap<string, string>): string[] {
  const commands: string[] = [];
  for (const [key, value] of want) {
    const now = running.get(key);
    if (now === undefined) commands.push(`add map ${mapFile} ${key} ${value}`);
    else if (now !== String(value)) commands.push(`set map ${mapFile} ${key} ${value}`);
  }
  return commands;
}
