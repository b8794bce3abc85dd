/**
 * The strategy's observe step, outside the store: the user's `berth rollout` action (an annotation,
 * parsed here at the edge), the webhooks due now (called), the alarms due now (read). What it
 * returns goes into the pure plan (PlanInput.strategy).
 */
import { activeAlarms } from '../../../api/v1/deployment-alarms.js';
import { ROLLOUT_ACTION_ANNOTATION, RolloutAction, type AlarmState } from '../../../api/v1/deployment-strategy.js';
import type { ObjectOf } from '../../kit/types.js';
import { primaryOf } from '../deployments.js';
import type { EvaluateAlarm } from './alarms.js';
import type { StrategyObservations } from './plan-strategy.js';
import { alarmsDueAt, dueWebhooks, type HookAnswer } from './stages.js';
import { hookPayload, type InvokeWebhook } from './webhook.js';

type Service = ObjectOf<'Service'>;

export interface StrategyProbes {
  invokeWebhook: InvokeWebhook;
  evaluateAlarm: EvaluateAlarm;
}

/** The action annotation, when it is well formed (a malformed one is ignored: it is not ours to fix). */
export function rolloutAction(service: Service): RolloutAction | undefined {
  const raw = service.metadata.annotations?.[ROLLOUT_ACTION_ANNOTATION];
  if (raw === undefined) return undefined;
  try {
    const parsed = RolloutAction.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function observeStrategy(service: Service, probes: StrategyProbes, now: number): Promise<StrategyObservations> {
  const action = rolloutAction(service);
  const deployments = service.status?.deployments ?? [];
  const primary = primaryOf(deployments);
  const rollout = primary?.rolloutState === 'IN_PROGRESS' ? primary.rollout : undefined;
  if (primary === undefined || rollout === undefined) return action ? { action } : {};

  const hooks = service.spec.deploymentConfiguration.lifecycleHooks ?? [];
  const hookAnswers = new Map<string, HookAnswer>();
  await Promise.all(
    dueWebhooks(rollout, now).map(async (run) => {
      const url = hooks[run.index]?.hookTargetArn;
      const answer =
        url === undefined ? { error: 'the hook is no longer configured' } : await probes.invokeWebhook(url, hookPayload(service, primary, deployments, run));
      hookAnswers.set(run.hookId, answer);
    }),
  );

  const config = service.spec.deploymentConfiguration;
  const due = alarmsDueAt(rollout, config, now);
  let alarms: AlarmState[] | undefined;
  if (due !== undefined && due <= now) alarms = await Promise.all(activeAlarms(config).map((a) => probes.evaluateAlarm(a, now)));
  return { ...(action ? { action } : {}), hookAnswers, ...(alarms ? { alarms } : {}) };
}
