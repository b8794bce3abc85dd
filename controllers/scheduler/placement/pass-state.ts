/**
 * The mutable state of one scheduling pass over the eligible instances: free resources in typed
 * arrays, ports in sets, and per-group task counts (per instance, and per value of any spread field)
 * kept up to date as tasks are placed, so no placement ever re-scans every task or re-sorts anything.
 * Instances are addressed by their index in the pass.
 */
import { ATTRIBUTE_FIELD_PREFIX } from '../../../api/v1/index.js';
import type { PlacementCandidate } from './candidate.js';
import type { TaskDemand } from './demand.js';
import type { InstanceFacts } from '../../../api/cluster-query/index.js';

export interface ReservedPorts {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

/** Facts a query reads; taskGroups and runningTasksCount move as the pass places tasks. */
interface LiveFacts extends InstanceFacts {
  runningTasksCount: number;
  readonly taskGroups: Set<string>;
}

/** For a spread field: which value each instance has, as a small integer. */
interface FieldValues {
  readonly valueOf: Int32Array;
  readonly valueCount: number;
}

export class PassState {
  readonly size: number;
  readonly names: readonly string[];
  readonly cpu: Float64Array;
  readonly memory: Float64Array;
  readonly gpu: Float64Array;
  readonly portsTcp: readonly Set<number>[];
  readonly portsUdp: readonly Set<number>[];
  readonly facts: readonly LiveFacts[];
  /** Tasks per group on each instance, from the candidates' tasks. */
  private readonly groupsOn: Map<string, number>[];
  private readonly groupCounts = new Map<string, Float64Array>();
  private readonly fields = new Map<string, FieldValues>();
  /** group → field → tasks of the group per field value. */
  private readonly spreadCounts = new Map<string, Map<string, Float64Array>>();
  /** 0, 1, 2, ...: the index of a score that is read per instance rather than per field value. */
  readonly identity: Int32Array;

  constructor(instances: readonly PlacementCandidate[], reserved: ReservedPorts) {
    this.size = instances.length;
    this.identity = Int32Array.from(instances, (_, i) => i);
    this.names = instances.map((c) => c.name);
    this.cpu = Float64Array.from(instances, (c) => c.remaining.cpu);
    this.memory = Float64Array.from(instances, (c) => c.remaining.memory);
    this.gpu = Float64Array.from(instances, (c) => c.remaining.gpu ?? 0);
    this.portsTcp = instances.map((c) => new Set([...c.remaining.portsTcp, ...reserved.tcp]));
    this.portsUdp = instances.map((c) => new Set([...c.remaining.portsUdp, ...reserved.udp]));
    this.groupsOn = instances.map((c) => {
      const counts = new Map<string, number>();
      for (const t of c.tasks) if (t.group !== undefined) counts.set(t.group, (counts.get(t.group) ?? 0) + 1);
      return counts;
    });
    this.facts = instances.map((c, i) => ({
      instanceId: c.name,
      attributes: c.attributes,
      registeredAt: c.registeredAt,
      agentVersion: c.agentVersion,
      agentConnected: c.agentConnected,
      runningTasksCount: c.tasks.length,
      taskGroups: new Set(this.groupsOn[i]?.keys()),
    }));
  }

  /**
   * Tasks of `group` on each instance (live: updated in place as tasks are placed). Counts are
   * Float64Arrays like the free resources, so the placement loop reads every score the same way.
   */
  groupCountsOf(group: string): Float64Array {
    let counts = this.groupCounts.get(group);
    if (!counts) {
      counts = Float64Array.from(this.groupsOn, (on) => on.get(group) ?? 0);
      this.groupCounts.set(group, counts);
    }
    return counts;
  }

  /** The value index of `field` (`attribute:<name>`) per instance; instances without it share one value. */
  fieldValuesOf(field: string): FieldValues {
    let values = this.fields.get(field);
    if (!values) {
      const name = field.slice(ATTRIBUTE_FIELD_PREFIX.length);
      const ids = new Map<string | undefined, number>();
      const valueOf = Int32Array.from(this.facts, (f) => {
        const value = Object.hasOwn(f.attributes, name) ? f.attributes[name] : undefined;
        let id = ids.get(value);
        if (id === undefined) ids.set(value, (id = ids.size));
        return id;
      });
      values = { valueOf, valueCount: ids.size };
      this.fields.set(field, values);
    }
    return values;
  }

  /** Tasks of `group` per value of `field` (live), indexed by fieldValuesOf(field).valueOf[i]. */
  spreadCountsOf(group: string, field: string): Float64Array {
    let byField = this.spreadCounts.get(group);
    if (!byField) this.spreadCounts.set(group, (byField = new Map()));
    let counts = byField.get(field);
    if (!counts) {
      const { valueOf, valueCount } = this.fieldValuesOf(field);
      const perInstance = this.groupCountsOf(group);
      counts = new Float64Array(valueCount);
      for (let i = 0; i < this.size; i++) {
        const value = valueOf[i] ?? 0;
        counts[value] = (counts[value] ?? 0) + (perInstance[i] ?? 0);
      }
      byField.set(field, counts);
    }
    return counts;
  }

  /** Takes `demand` from instance `i` and records a task of `group` there. */
  place(i: number, demand: TaskDemand, group: string): void {
    this.cpu[i] = (this.cpu[i] ?? 0) - demand.cpu;
    this.memory[i] = (this.memory[i] ?? 0) - demand.memory;
    this.gpu[i] = (this.gpu[i] ?? 0) - demand.gpu;
    for (const p of demand.staticPorts.tcp) this.portsTcp[i]?.add(p);
    for (const p of demand.staticPorts.udp) this.portsUdp[i]?.add(p);
    const facts = this.facts[i];
    if (facts) {
      facts.runningTasksCount++;
      facts.taskGroups.add(group);
    }
    const on = this.groupsOn[i];
    on?.set(group, (on.get(group) ?? 0) + 1);
    const counts = this.groupCounts.get(group);
    if (counts) counts[i] = (counts[i] ?? 0) + 1;
    for (const [field, fieldCounts] of this.spreadCounts.get(group) ?? []) {
      const value = this.fields.get(field)?.valueOf[i] ?? 0;
      fieldCounts[value] = (fieldCounts[value] ?? 0) + 1;
    }
  }
}
