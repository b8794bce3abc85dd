/**
 * The chaos harness (hack/chaos) for a bounded time: 3 `berth server` replicas on their own etcd and
 * 3 `berth agent`s on a second Docker engine, a few faults of each kind while services roll out,
 * and the independent checker (etcd and the engine read directly) must find no violation.
 * Needs root (a second dockerd and its bridge), etcd and dockerd installed, and a built dist/.
 */
import { describe, expect, it } from 'vitest';
import { rootLogger } from '../api/log.js';
import { runChaos } from '../hack/chaos/driver.js';
import { FAULT_KINDS, type FaultKind } from '../hack/chaos/faults.js';
import { markdown } from '../hack/chaos/report.js';

/**
 * Fault kinds left out of the bounded run, each with the defect it hit: remove an entry once the
 * kind runs clean. The checker itself is never loosened. Empty: every kind runs.
 */
export const KNOWN_OPEN_DEFECT_FAULTS: Partial<Record<FaultKind, string>> = {};

/** Every kind once (the leader's kill, the likeliest to meet a rollout's decisions, twice): ~3 minutes. */
const COUNTS: Record<FaultKind, number> = {
  'server-kill': 1,
  'leader-kill': 2,
  'container-kill': 1,
  'etcd-restart': 1,
  'engine-restart': 1,
  'agent-kill': 1,
  'agent-stop': 1,
  'control-plane-outage': 1,
};

const isRoot = process.getuid?.() === 0;
/** Setup, ~3 minutes of faults, the last fault's repair and the final checks; a loaded machine takes longer. */
const TEST_TIMEOUT_MS = 480_000;

/**
 * Run on its own (BERTH_CHAOS=1, as hack/test.sh does after the rest of the suite): its second
 * engine and its faults would load the machine under the other end-to-end tests' timings.
 */
const chaosStep = process.env.BERTH_CHAOS === '1';

describe.skipIf(!isRoot || !chaosStep)('chaos (bounded)', () => {
  it(
    'loses no acknowledged write, never breaks the deployment bounds, and is steady after every fault',
    async () => {
      const skipped = FAULT_KINDS.filter((k) => KNOWN_OPEN_DEFECT_FAULTS[k] !== undefined);
      const report = await runChaos({
        counts: Object.fromEntries(FAULT_KINDS.filter((k) => !skipped.includes(k)).map((k) => [k, COUNTS[k]])),
        maxDurationMs: 240_000,
        convergeBoundMs: 60_000,
        skippedKinds: skipped,
        // Ends the run (and cleans up) well before the test's own timeout would kill the worker.
        signal: AbortSignal.timeout(TEST_TIMEOUT_MS - 60_000),
        log: rootLogger.child({ component: 'chaos' }),
      });
      process.stdout.write(`${markdown(report, 'test')}\n`);
      expect(report.aborted, 'the run overran its time and was cut short').toBe(false);
      expect(report.harnessError, 'the harness could not inject or repair a fault').toBeUndefined();
      expect(new Set(report.faults.map((f) => f.kind)), 'every fault kind injected before the deadline').toEqual(
        new Set(FAULT_KINDS.filter((k) => !skipped.includes(k))),
      );
      expect(report.violations.map((v) => `${v.kind}: ${v.detail}`)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
