/**
 * An example third-party controller: scales services down at night and up by day.
 *
 * A service opts in with annotations:
 *   scaler.berth.dev/day:   desired count from 07:00 to 24:00 UTC (required to opt in)
 *   scaler.berth.dev/night: desired count from 00:00 to 07:00 UTC (default 1)
 *
 * It is written with the same kit as berth's own controllers: declare what it is `for`, then
 * reconcile one service at a time — level-based, so it re-reads the service and never cares
 * which event woke it.
 */
import { defineController, done, requeueAfter, TerminalError } from '../../kit/index.js';

export const DAY = 'scaler.berth.dev/day';
export const NIGHT = 'scaler.berth.dev/night';
const HOUR_MS = 3_600_000;

export const nightlyScaler = defineController({
  name: 'nightly-scaler',
  for: 'Service',
  async reconcile({ key }, { client, log, clock }) {
    const svc = await client.get('Service', key);
    const day = svc?.metadata.annotations?.[DAY];
    if (!svc || day === undefined) return done(); // gone, or not opted in: nothing to do
    const hour = new Date(clock.now()).getUTCHours();
    const want = Number(hour < 7 ? (svc.metadata.annotations?.[NIGHT] ?? '1') : day);
    if (!Number.isInteger(want) || want < 0) throw new TerminalError(`${key.name}: ${DAY}/${NIGHT} must be whole numbers >= 0`);
    if (svc.spec.desiredCount !== want) {
      await client.mutate('Service', key, (s) => void (s.spec.desiredCount = want));
      log.info({ from: svc.spec.desiredCount, to: want }, 'scaled');
    }
    return requeueAfter(HOUR_MS - (clock.now() % HOUR_MS)); // look again on the hour
  },
});
