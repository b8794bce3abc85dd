/** What a chaos run found: faults of each kind, time to steady after each, and the violations. */
import { percentile } from '../bench-stats.js';
import type { Violation } from './checker.js';
import type { FaultKind } from './faults.js';

export interface FaultRecord {
  kind: FaultKind;
  round: number;
  detail: Record<string, unknown>;
  /** From the fault's repair until the checker found every service steady; undefined when it never was within the bound. */
  convergedMs: number | undefined;
}

export interface ChaosReport {
  cluster: string;
  startedAt: string;
  durationMs: number;
  faults: FaultRecord[];
  violations: Violation[];
  ackedWrites: number;
  refusedWrites: number;
  samples: number;
  /** Ended early by SIGINT/SIGTERM. */
  aborted: boolean;
  /** Ended early because the harness could not inject or repair a fault: which, and why. */
  harnessError?: string;
  /** Fault kinds left out of this run (e.g. a known open defect), by name. */
  skippedKinds: readonly FaultKind[];
}

export interface ReportFigures {
  byKind: { kind: FaultKind; count: number; p50: number; p99: number; notSteady: number; violations: number }[];
  p50: number;
  p99: number;
  violationsByKind: Record<string, number>;
}

export function figures(r: ChaosReport): ReportFigures {
  const kinds = [...new Set(r.faults.map((f) => f.kind))];
  const times = (fs: FaultRecord[]) => fs.flatMap((f) => (f.convergedMs === undefined ? [] : [f.convergedMs]));
  const violationsByKind: Record<string, number> = {};
  for (const v of r.violations) violationsByKind[v.kind] = (violationsByKind[v.kind] ?? 0) + 1;
  const violationsByFault = (kind: FaultKind) => r.violations.filter((v) => v.fault === kind).length;
  return {
    byKind: kinds.map((kind) => {
      const fs = r.faults.filter((f) => f.kind === kind);
      const t = times(fs);
      return {
        kind,
        count: fs.length,
        p50: percentile(t, 0.5),
        p99: percentile(t, 0.99),
        notSteady: fs.length - t.length,
        violations: violationsByFault(kind),
      };
    }),
    p50: percentile(times(r.faults), 0.5),
    p99: percentile(times(r.faults), 0.99),
    violationsByKind,
  };
}

const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : 'n/a');

/** The run as a section of bench/RESULTS.md. */
export function markdown(r: ChaosReport, commit: string): string {
  const f = figures(r);
  const lines = [
    `## Chaos: ${r.faults.length} faults in ${seconds(r.durationMs)} s (${r.startedAt}, ${commit})${r.aborted ? ' — aborted' : ''}${r.harnessError !== undefined ? ' — ended early by the harness' : ''}`,
    '',
    '`node dist/hack/chaos/main.js` (hack/chaos/): 3 `berth server` replicas on their own etcd, 3 `berth agent`s on a second',
    'Docker engine, 3 health-checked services (start-first at minimum 50 %; two linked containers with a task network;',
    'stop-first at 0–100 %), one rolled out to a new revision before most faults, and a write every 250 ms. One fault at a',
    'time; convergence is from the repair until the',
    "checker (etcd and the engine read directly, not berth's status) finds every service at its desired count of its newest",
    `revision on both. Writes acknowledged: ${r.ackedWrites}; refused during faults: ${r.refusedWrites}. Checker samples: ${r.samples}.` +
      (r.skippedKinds.length > 0 ? ` Fault kinds left out: ${r.skippedKinds.join(', ')}.` : ''),
    ...(r.harnessError !== undefined ? ['', `The harness ended the run early: ${r.harnessError}.`] : []),
    '',
    '| fault | count | to steady p50 (s) | p99 (s) | not steady within the bound | violations in its rounds |',
    '|---|---:|---:|---:|---:|---:|',
    ...f.byKind.map((k) => `| ${k.kind} | ${k.count} | ${seconds(k.p50)} | ${seconds(k.p99)} | ${k.notSteady} | ${k.violations} |`),
    `| all | ${r.faults.length} | ${seconds(f.p50)} | ${seconds(f.p99)} | ${f.byKind.reduce((a, k) => a + k.notSteady, 0)} | ${r.violations.length} |`,
    '',
    `Violations: ${r.violations.length}${
      r.violations.length > 0
        ? ` (${Object.entries(f.violationsByKind)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')})`
        : ''
    }.`,
    ...r.violations.slice(0, 30).map((v) => `- ${v.kind} (round ${v.round}, ${v.fault}, seen ${v.seen}×): ${v.detail}`),
    ...(r.violations.length > 30 ? [`- … and ${r.violations.length - 30} more`] : []),
    '',
  ];
  return lines.join('\n');
}
