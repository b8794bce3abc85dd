import { describe, expect, it } from 'vitest';
import { LoadBalancerSpec } from '../../../api/v1/load-balancer.js';
import type { ServiceLoadBalancer } from '../../../api/v1/service-load-balancers.js';
import { forwardAction, ListenerRuleError, MAX_WEIGHT, ruleWrites, withRuleWrites } from './listener-weights.js';
import type { WeightedDeployment } from './traffic.js';

const entry = (advanced: Partial<NonNullable<ServiceLoadBalancer['advancedConfiguration']>> | undefined): ServiceLoadBalancer => ({
  targetGroupName: 'blue-tg',
  containerName: 'web',
  containerPort: 8080,
  ...(advanced ? { advancedConfiguration: { alternateTargetGroupName: 'green-tg', productionListenerRule: 'front/80/default', ...advanced } } : {}),
});
const blue = (weight: number): WeightedDeployment => ({ deployment: 'd1', weight, side: 'PRIMARY' });
const green = (weight: number): WeightedDeployment => ({ deployment: 'd2', weight, side: 'ALTERNATE' });
const weightsOf = (e: ServiceLoadBalancer, w: WeightedDeployment[]) =>
  forwardAction(e, w)?.forwardConfig?.targetGroups.map((g) => [g.targetGroupName, g.weight]);

describe('listener rule weights', () => {
  it.each([
    [
      'all blue',
      [blue(100)],
      [
        ['blue-tg', MAX_WEIGHT],
        ['green-tg', 0],
      ],
    ],
    [
      'canary 5 %',
      [blue(95), green(5)],
      [
        ['blue-tg', 949],
        ['green-tg', 50],
      ],
    ],
    [
      'linear 50 %',
      [blue(50), green(50)],
      [
        ['blue-tg', 499],
        ['green-tg', 500],
      ],
    ],
    [
      'all green',
      [green(100)],
      [
        ['blue-tg', 0],
        ['green-tg', MAX_WEIGHT],
      ],
    ],
  ])('%s', (_, weights, expected) => {
    expect(weightsOf(entry({}), weights)).toEqual(expected);
  });

  it('green on the PRIMARY side (the deployment after a successful one) weights the entry groups the other way', () => {
    expect(
      weightsOf(entry({}), [
        { deployment: 'd2', weight: 90, side: 'ALTERNATE' },
        { deployment: 'd3', weight: 10, side: 'PRIMARY' },
      ]),
    ).toEqual([
      ['blue-tg', 100],
      ['green-tg', 899],
    ]);
  });

  it('an entry without advancedConfiguration makes no write; a test rule gets the test weights', () => {
    expect(ruleWrites([entry(undefined)], { production: [blue(100)], test: [blue(100)] })).toEqual([]);
    const writes = ruleWrites([entry({ testListenerRule: 'front/8080/10' })], { production: [blue(100)], test: [green(100)] });
    expect(writes.map((w) => [w.rule, w.action.forwardConfig?.targetGroups.map((g) => g.weight)])).toEqual([
      [{ loadBalancer: 'front', port: 80 }, [MAX_WEIGHT, 0]],
      [{ loadBalancer: 'front', port: 8080, priority: 10 }, [0, MAX_WEIGHT]],
    ]);
  });

  const spec = LoadBalancerSpec.parse({
    listeners: [
      { port: 80, defaultActions: [{ type: 'forward', targetGroupName: 'blue-tg' }] },
      {
        port: 8080,
        defaultActions: [{ type: 'forward', targetGroupName: 'blue-tg' }],
        rules: [{ priority: 10, conditions: [{ field: 'path-pattern', values: ['/test/*'] }], actions: [{ type: 'forward', targetGroupName: 'blue-tg' }] }],
      },
    ],
  });

  it('writes the default action and a rule by priority, leaving the rest', () => {
    const writes = ruleWrites([entry({ testListenerRule: 'front/8080/10' })], { production: [blue(50), green(50)], test: [green(100)] });
    const out = withRuleWrites('front', spec, writes);
    expect(out.listeners[0]?.defaultActions[0]?.forwardConfig?.targetGroups.map((g) => g.weight)).toEqual([499, 500]);
    expect(out.listeners[1]?.rules[0]?.actions[0]?.forwardConfig?.targetGroups.map((g) => g.weight)).toEqual([0, MAX_WEIGHT]);
    expect(out.listeners[1]?.defaultActions).toEqual(spec.listeners[1]?.defaultActions);
    expect(LoadBalancerSpec.safeParse(out).success).toBe(true);
  });

  it.each([
    ['front/81/default', /has no listener on port 81/],
    ['front/8080/11', /has no rule of priority 11/],
  ])('a rule %s that does not exist is refused, named', (rule, message) => {
    const writes = ruleWrites([entry({ productionListenerRule: rule })], { production: [blue(100)], test: [blue(100)] });
    expect(() => withRuleWrites('front', spec, writes)).toThrow(ListenerRuleError);
    expect(() => withRuleWrites('front', spec, writes)).toThrow(message);
  });
});
