import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { leadWhileRenewed, type Renewal } from './lead-while-renewed.js';

const log = pino({ level: 'silent' });

/** Leads with renewals every 300 ms answered by `renewals` in turn (then the last again); valid 750 ms after each. */
async function leadFor(renewals: Renewal[], lastChance: Renewal | undefined, runMs = 3_000) {
  const clock = new FakeClock(0);
  const stopping = new AbortController();
  const answers = [...renewals];
  let endedAt: number | undefined;
  const result = leadWhileRenewed({
    clock,
    log,
    stopping: stopping.signal,
    confirmedAt: 0,
    validForMs: 750,
    renewEveryMs: 300,
    fenceCheckMs: 50,
    renew: async () => (answers.length > 1 ? (answers.shift() ?? 'renewed') : (answers[0] ?? 'renewed')),
    ...(lastChance === undefined ? {} : { lastChance: async () => lastChance }),
    lead: ({ signal }) =>
      new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => ((endedAt = clock.now()), resolve()), { once: true });
      }),
  });
  await clock.advanceAsync(runMs);
  stopping.abort();
  await clock.advanceAsync(1);
  return { endedAt, ...(await result) };
}

describe('leadWhileRenewed', () => {
  it.each([
    { case: 'every renewal answered: leads until stopped', renewals: ['renewed'], lastChance: undefined, endedAt: 3_000, unreachable: false },
    { case: 'someone else holds it at the first renewal: ends then', renewals: ['lost'], lastChance: undefined, endedAt: 300, unreachable: false },
    { case: 'no answer: ends at the fencing deadline', renewals: ['no answer'], lastChance: undefined, endedAt: 750, unreachable: false },
    {
      case: 'renewed once, then no answer: the deadline counts from that renewal',
      renewals: ['renewed', 'no answer'],
      lastChance: undefined,
      endedAt: 1_050,
      unreachable: false,
    },
    { case: 'no answer, and none to the last chance: ends, unreachable', renewals: ['no answer'], lastChance: 'no answer', endedAt: 750, unreachable: true },
    { case: 'no answer, but the last chance renews: carries on', renewals: ['no answer'], lastChance: 'renewed', endedAt: 3_000, unreachable: false },
    { case: 'the last chance says the lease is gone: ends, not unreachable', renewals: ['no answer'], lastChance: 'lost', endedAt: 750, unreachable: false },
  ] as const)('$case', async ({ renewals, lastChance, endedAt, unreachable }) => {
    const result = await leadFor([...renewals], lastChance);
    expect(result.endedAt).toBe(endedAt);
    expect(result.unreachable).toBe(unreachable);
  });
});
