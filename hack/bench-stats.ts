/** Figures over repeats: median (min–max), percentiles, and the markdown they are written as. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, n };
}

/** Nearest-rank percentile (q in 0..1) of unsorted samples. */
export function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

export type Unit = 'count' | 's' | 'ms' | 'MB';

export function formatNumber(x: number, unit: Unit): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (unit === 's') return x >= 10 ? x.toFixed(1) : x.toFixed(2);
  if (unit === 'ms') return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
  return Math.round(x).toLocaleString('en-US');
}

/** "1,234 (1,100–1,300)" — the one shape every figure of RESULTS.md takes. */
export function formatSummary(s: Summary, unit: Unit): string {
  if (s.n === 0) return 'n/a';
  if (s.n === 1) return formatNumber(s.median, unit);
  return `${formatNumber(s.median, unit)} (${formatNumber(s.min, unit)}–${formatNumber(s.max, unit)})`;
}
