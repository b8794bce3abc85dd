/**
 * Deployment alarms without CloudWatch (deploymentConfiguration.berthAlarms), read while production
 * traffic shifts and during the bake time; one in ALARM fails the deployment, which rolls back.
 * - HTTP: GET the URL; ALARM unless it answers 2xx in time.
 * - PROMETHEUS: an instant query (GET {url}/api/v1/query?query=…); ALARM when any returned value
 *   compares to the threshold as comparisonOperator says (CloudWatch's operators). No data is OK,
 *   as CloudWatch's default treatMissingData (missing) leaves an alarm as it was.
 */
import { z } from 'zod';
import type { AlarmState, BerthAlarm } from '../../../api/v1/deployment-strategy.js';

export const ALARM_TIMEOUT_MS = 5_000;

export type EvaluateAlarm = (alarm: BerthAlarm, now: number) => Promise<AlarmState>;

const Sample = z.tuple([z.number(), z.string()]);
const QueryAnswer = z.object({
  status: z.literal('success'),
  data: z.union([
    z.object({ resultType: z.literal('vector'), result: z.array(z.object({ value: Sample })) }),
    z.object({ resultType: z.literal('scalar'), result: Sample }),
  ]),
});

/** Whether `value` crosses `threshold` as the operator says. */
export function breaches(operator: BerthAlarm['comparisonOperator'], value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/** The values of a Prometheus instant query's answer (pure). */
export function queryValues(answer: unknown): number[] | string {
  const parsed = QueryAnswer.safeParse(answer);
  if (!parsed.success) return 'the query answer is not a Prometheus vector or scalar';
  const samples = parsed.data.data.resultType === 'scalar' ? [parsed.data.data.result] : parsed.data.data.result.map((r) => r.value);
  return samples.map(([, v]) => Number(v));
}

export const evaluateAlarm: EvaluateAlarm = async (alarm, now) => {
  const checkedAt = new Date(now).toISOString();
  const state = (firing: boolean, reason: string): AlarmState => ({ name: alarm.name, state: firing ? 'ALARM' : 'OK', reason, checkedAt });
  try {
    if (alarm.type === 'HTTP') {
      const res = await fetch(alarm.url, { signal: AbortSignal.timeout(ALARM_TIMEOUT_MS) });
      await res.arrayBuffer();
      return state(!res.ok, `GET ${alarm.url} answered HTTP ${res.status}`);
    }
    const url = new URL('api/v1/query', alarm.url.endsWith('/') ? alarm.url : `${alarm.url}/`);
    url.searchParams.set('query', alarm.query ?? '');
    const res = await fetch(url, { signal: AbortSignal.timeout(ALARM_TIMEOUT_MS) });
    if (!res.ok) return state(true, `the query answered HTTP ${res.status}`);
    const values = queryValues(await res.json());
    if (typeof values === 'string') return state(true, values);
    const threshold = alarm.threshold ?? 0;
    const bad = values.find((v) => breaches(alarm.comparisonOperator, v, threshold));
    return bad === undefined
      ? state(false, `${alarm.query ?? ''}: ${values.join(', ') || 'no data'}`)
      : state(true, `${alarm.query ?? ''} = ${bad} (${alarm.comparisonOperator} ${threshold})`);
  } catch (err) {
    return state(true, `${alarm.url} could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
};
