import { describe, expect, it } from 'vitest';
import { shouldRestart } from './restart-policy.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const exited = (ranS: number, exitCode = 1) => ({ state: 'exited' as const, startedAt: NOW - ranS * 1000, exitCode });

describe('shouldRestart (ECS semantics)', () => {
  it.each<[string, Parameters<typeof shouldRestart>[0], Parameters<typeof shouldRestart>[1], boolean]>([
    ['no policy', undefined, exited(999), false],
    ['disabled', { enabled: false }, exited(999), false],
    ['ran the default 300 s', { enabled: true }, exited(300), true],
    ['ran less than the default 300 s', { enabled: true }, exited(299), false],
    ['ran the given period', { enabled: true, restartAttemptPeriod: 60 }, exited(60), true],
    ['exit code 0 is restarted unless ignored', { enabled: true, restartAttemptPeriod: 60 }, exited(61, 0), true],
    ['an ignored exit code', { enabled: true, restartAttemptPeriod: 60, ignoredExitCodes: [0, 137] }, exited(61, 137), false],
    ['still running', { enabled: true, restartAttemptPeriod: 60 }, { state: 'running', startedAt: NOW - 999_000, exitCode: 0 }, false],
    ['created, never started', { enabled: true, restartAttemptPeriod: 60 }, { state: 'created', exitCode: 0 }, false],
  ])('%s → %s', (_what, policy, c, want) => {
    expect(shouldRestart(policy, c, NOW)).toBe(want);
  });
});
