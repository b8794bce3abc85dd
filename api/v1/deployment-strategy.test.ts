import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEPLOYMENT_STRATEGIES, strategyIssues } from './deployment-strategy.js';
import { ServiceSpec } from './service.js';
import { protectedUntil, taskProtection } from './task-protection.js';

const spec = (deploymentConfiguration: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ServiceSpec.safeParse({ taskDefinition: 'web', deploymentConfiguration, ...extra });
const message = (r: ReturnType<typeof spec>) => (r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));

describe('deploymentConfiguration strategies', () => {
  it.each([
    ['ROLLING by default', {}, ''],
    ['BLUE_GREEN without a load balancer', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }, ''],
    ['LINEAR without a load balancer', { strategy: 'LINEAR', linearConfiguration: { stepPercent: 10 } }, 'needs a load balancer'],
    ['CANARY without a load balancer', { strategy: 'CANARY' }, 'needs a load balancer'],
    ['bake time above ECS maximum', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 }, 'bakeTimeInMinutes: must be 0-1440 minutes'],
    ['stepPercent below 3', { strategy: 'BLUE_GREEN', linearConfiguration: { stepPercent: 2 } }, 'stepPercent must be 3.0-100.0'],
    ['a webhook hook with a URL', { lifecycleHooks: [{ hookTargetArn: 'http://127.0.0.1:9/hook', lifecycleStages: ['POST_SCALE_UP'] }] }, ''],
    [
      'a Lambda ARN',
      { lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:1:function:f', lifecycleStages: ['PRE_SCALE_UP'] }] },
      'must be an http:// or https:// URL',
    ],
    [
      'a PAUSE hook',
      {
        lifecycleHooks: [
          { targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 1, action: 'CONTINUE' } },
        ],
      },
      '',
    ],
    ['a hook at a stage hooks cannot use', { lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['BAKE_TIME'] }] }, 'lifecycleStages.0'],
    [
      'a PROMETHEUS alarm without a threshold',
      { berthAlarms: [{ name: 'errors', type: 'PROMETHEUS', url: 'http://127.0.0.1:9090', query: 'up' }] },
      'needs a query and a threshold',
    ],
    ['a COUNT threshold', { deploymentCircuitBreaker: { enable: true, rollback: true, thresholdConfiguration: { type: 'COUNT', value: 2 } } }, ''],
    [
      'a threshold of 0',
      { deploymentCircuitBreaker: { enable: true, rollback: true, thresholdConfiguration: { type: 'COUNT', value: 0 } } },
      'value must be at least 1',
    ],
  ])('%s', (_, config, expected) => {
    const r = spec(config);
    if (expected === '') expect(message(r)).toBe('');
    else expect(message(r)).toContain(expected);
  });

  it.each([
    [[], false],
    [[{ targetGroupArn: 'tg' }], false],
    [[{ targetGroupArn: 'tg', advancedConfiguration: {} }], true],
  ])('LINEAR with loadBalancers %j: accepted %s', (loadBalancers, accepted) => {
    // The load balancer's schema is another slice's: the check reads spec.loadBalancers loosely.
    const shape = z.object({ deploymentConfiguration: z.object({ strategy: z.enum(DEPLOYMENT_STRATEGIES) }), loadBalancers: z.array(z.unknown()) });
    expect(shape.superRefine(strategyIssues).safeParse({ deploymentConfiguration: { strategy: 'LINEAR' }, loadBalancers }).success).toBe(accepted);
  });

  it('defaults: ROLLING, no bake, resetOnHealthyTask true, a minute of 60 s', () => {
    const r = ServiceSpec.parse({ taskDefinition: 'web' });
    expect(r.deploymentConfiguration).toMatchObject({ strategy: 'ROLLING', bakeTimeInMinutes: 0, berthMinuteSeconds: 60 });
    expect(r.deploymentConfiguration.deploymentCircuitBreaker.resetOnHealthyTask).toBe(true);
  });
});

describe('task protection', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['enabled, default 120 minutes', true, undefined, now + 119 * 60_000, true],
    ['enabled for 5 minutes, after 6', true, 5, now + 6 * 60_000, false],
    ['disabled', false, undefined, now, false],
  ])('%s', (_, enabled, minutes, at, expected) => {
    expect(protectedUntil(taskProtection(enabled, minutes, now), at) !== undefined).toBe(expected);
  });
  it.each([0, 2881, 1.5])('refuses expiresInMinutes %s', (m) => expect(() => taskProtection(true, m, now)).toThrow(/1-2880/));
});
