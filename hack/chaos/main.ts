/**
 * `node dist/hack/chaos/main.js`: a chaos run (see driver.ts). Settings by environment:
 *   CHAOS_FAULTS_PER_KIND (default 3), CHAOS_MAX_MINUTES (default 10), CHAOS_CONVERGE_SECONDS (90),
 *   CHAOS_KINDS (comma-separated, default all), CHAOS_RESULTS=1 to append the section to bench/RESULTS.md;
 *   where the run puts what it makes (ports, the second engine's root and bridge): settings.ts.
 * Exits 1 when the checker found a violation. SIGINT/SIGTERM end the run and clean up.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { rootLogger } from '../../api/log.js';
import { runChaos } from './driver.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import { figures, markdown } from './report.js';

const log = rootLogger.child({ component: 'chaos' });

function kinds(text: string | undefined): FaultKind[] {
  if (text === undefined || text === '') return [...FAULT_KINDS];
  const wanted = text.split(',').map((k) => k.trim());
  const unknown = wanted.filter((k) => !FAULT_KINDS.some((f) => f === k));
  if (unknown.length > 0) throw new Error(`CHAOS_KINDS: unknown fault kinds ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
  return FAULT_KINDS.filter((k) => wanted.includes(k));
}

const positive = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: "${process.env[name]}" must be a number > 0`);
  return n;
};

const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());

const chosen = kinds(process.env.CHAOS_KINDS);
const perKind = positive('CHAOS_FAULTS_PER_KIND', 3);
const report = await runChaos({
  counts: Object.fromEntries(chosen.map((k) => [k, perKind])),
  maxDurationMs: positive('CHAOS_MAX_MINUTES', 10) * 60_000,
  convergeBoundMs: positive('CHAOS_CONVERGE_SECONDS', 90) * 1000,
  skippedKinds: FAULT_KINDS.filter((k) => !chosen.includes(k)),
  signal: stop.signal,
  log,
});
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
const section = markdown(report, commit);
log.info({ figures: figures(report), violations: report.violations.length }, 'chaos run done');
process.stdout.write(`${section}\n`);
if (process.env.CHAOS_RESULTS === '1') appendFileSync('bench/RESULTS.md', `\n${section}`);
process.exitCode = report.violations.length > 0 || report.harnessError !== undefined ? 1 : 0;
