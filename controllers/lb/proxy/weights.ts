/**
 * Target-group weights of a forward to several groups, kept out of the config so that shifting
 * traffic is no reload (pure). The config compares the request's random draw (0-999) with one
 * threshold per group, read from a map file (`map_str_int`); a weight change is a `set map` through
 * the Runtime API. A reload would start servers afresh in a new worker and cost requests; a map
 * change is atomic in the running worker. Every group of the action has a slot, weight 0 included,
 * so that moving a group from 0 to all of the traffic changes values only, never the listener shape.
 */
import type { ForwardAction } from '../../../api/v1/load-balancer.js';
import { targetGroupNameOf } from '../../../api/v1/target-group-ref.js';
import { backendName, type Desired } from './desired.js';

export interface WeightSlot {
  /** Map key: frontend, rule and group position; stable while the listener's shape is. */
  key: string;
  /** The transaction variable the frontend reads the threshold into. */
  variable: string;
  backend: string;
  /** Requests whose draw is below this (and not below an earlier slot's) go to this backend. */
  threshold: number;
}

/** `r<priority>` for a rule, `d` for the default action. */
export const ruleId = (priority: number | undefined) => (priority === undefined ? 'd' : `r${priority}`);

export function weightSlots(frontend: string, rule: string, a: ForwardAction): WeightSlot[] {
  const groups = (a.forwardConfig?.targetGroups ?? []).flatMap((g) => {
    const name = targetGroupNameOf(g);
    return name === undefined ? [] : [{ name, weight: g.weight }];
  });
  const total = groups.reduce((s, g) => s + g.weight, 0);
  let cumulative = 0;
  return groups.map((g, i) => {
    cumulative += g.weight;
    return {
      key: `${frontend}.${rule}.${i}`,
      variable: `txn.berth_w_${rule}_${i}`,
      backend: backendName(g.name),
      threshold: total === 0 ? 0 : Math.round((cumulative / total) * 1000),
    };
  });
}

/** Every weighted slot of the desired listeners, key → threshold. */
export function weightEntries(desired: Desired): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of desired.frontends) {
    const actions: Array<[string, ForwardAction | undefined]> = [
      ...f.listener.rules.map((r): [string, ForwardAction | undefined] => [ruleId(r.priority), r.actions[0]]),
      [ruleId(undefined), f.listener.defaultActions[0]],
    ];
    for (const [rule, action] of actions) {
      if (action?.forwardConfig === undefined) continue;
      for (const slot of weightSlots(f.name, rule, action)) out.set(slot.key, slot.threshold);
    }
  }
  return out;
}

/** The map file's text (read by HAProxy at start and reload). */
export function renderWeightsMap(entries: ReadonlyMap<string, number>): string {
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

/** Runtime API commands taking the running map to the wanted thresholds. */
export function weightCommands(mapFile: string, want: ReadonlyMap<string, number>, running: ReadonlyMap<string, string>): string[] {
  const commands: string[] = [];
  for (const [key, value] of want) {
    const now = running.get(key);
    if (now === undefined) commands.push(`add map ${mapFile} ${key} ${value}`);
    else if (now !== String(value)) commands.push(`set map ${mapFile} ${key} ${value}`);
  }
  return commands;
}
