/**
 * A lifecycle hook's webhook, berth's stand-in for ECS's Lambda hook: POST the deployment context
 * (ECS's hook payload fields) as JSON to hookTargetArn, read ECS's Lambda answer
 * `{"hookStatus": "SUCCEEDED" | "FAILED" | "IN_PROGRESS", "callBackDelay"?: seconds, "hookDetails"?: {…}}`.
 * Anything else — no answer in time, a non-2xx status, no valid hookStatus — fails the hook, as a
 * failing Lambda does on ECS.
 */
import { z } from 'zod';
import type { HookRun } from '../../../api/v1/deployment-strategy.js';
import type { Deployment } from '../../../api/v1/service.js';
import type { ObjectOf } from '../../kit/types.js';
import type { HookAnswer } from './stages.js';
import { trafficPlan } from './traffic.js';

type Service = ObjectOf<'Service'>;

/** How long one invocation may take (a Lambda hook that runs long answers IN_PROGRESS instead). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

const Answer = z.object({
  hookStatus: z.enum(['SUCCEEDED', 'FAILED', 'IN_PROGRESS']),
  callBackDelay: z.number().int().min(0).max(3600).optional(),
  hookDetails: z.json().optional(),
});

export type InvokeWebhook = (url: string, body: unknown) => Promise<HookAnswer>;

/** The JSON a hook receives. */
export function hookPayload(service: Service, deployment: Deployment, deployments: readonly Deployment[], hook: HookRun): Record<string, unknown> {
  const traffic = trafficPlan(deployments);
  const weights = (list: { deployment: string; weight: number }[] | undefined) => Object.fromEntries((list ?? []).map((w) => [w.deployment, w.weight]));
  return {
    serviceArn: `service/${service.metadata.cluster}/${service.metadata.name}`,
    cluster: service.metadata.cluster,
    service: service.metadata.name,
    deploymentId: deployment.id,
    targetServiceRevisionArn: deployment.taskDefinition,
    lifecycleStage: hook.stage,
    hookId: hook.hookId,
    invocation: hook.invocations + 1,
    testTrafficWeights: weights(traffic?.test),
    productionTrafficWeights: weights(traffic?.production),
    ...(hook.hookDetails !== undefined ? { hookDetails: hook.hookDetails } : {}),
  };
}

export const invokeWebhook: InvokeWebhook = async (url, body) => {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    const text = await res.text();
    if (!res.ok) return { error: `the webhook answered HTTP ${res.status}` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { error: 'the webhook answered no JSON (expected {"hookStatus": "SUCCEEDED" | "FAILED" | "IN_PROGRESS"})' };
    }
    const parsed = Answer.safeParse(json);
    if (!parsed.success) return { error: 'the webhook answered no valid hookStatus (SUCCEEDED, FAILED or IN_PROGRESS)' };
    return parsed.data;
  } catch (err) {
    return { error: `the webhook could not be called: ${err instanceof Error ? err.message : String(err)}` };
  }
};
