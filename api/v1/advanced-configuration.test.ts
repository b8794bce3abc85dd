import { describe, expect, it } from 'vitest';
import { AdvancedConfiguration, parseListenerRuleRef } from './advanced-configuration.js';

describe("a load balancer entry's advancedConfiguration", () => {
  it.each([
    ['front/80/default', { loadBalancer: 'front', port: 80 }],
    ['front/8080/10', { loadBalancer: 'front', port: 8080, priority: 10 }],
    ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/front/50dc6c495c0c9188/80/10', { loadBalancer: 'front', port: 80, priority: 10 }],
    ['front/0/default', undefined],
    ['front/80', undefined],
    ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/front/50dc/f2f7dc8efc522ab2/9683b2d02a6cabee', undefined],
  ])('listener rule %s reads as %j', (text, expected) => {
    expect(parseListenerRuleRef(text)).toEqual(expected);
  });

  it.each([
    [{ alternateTargetGroupName: 'green', productionListenerRule: 'front/80/default' }, undefined],
    [
      {
        alternateTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/6d0ecf831eec9f09',
        productionListenerRule: 'front/80/default',
        testListenerRule: 'front/8080/default',
        roleArn: 'arn:aws:iam::123456789012:role/ecs-lb',
      },
      undefined,
    ],
    [{ productionListenerRule: 'front/80/default' }, /alternateTargetGroupName or alternateTargetGroupArn, exactly one/],
    [{ alternateTargetGroupName: 'green', productionListenerRule: 'front:80' }, /LOAD_BALANCER\/PORT\/PRIORITY/],
    [{ alternateTargetGroupName: 'green' }, /productionListenerRule/],
  ])('%j: %s', (input, error) => {
    const parsed = AdvancedConfiguration.safeParse(input);
    if (error === undefined) expect(parsed.success).toBe(true);
    else expect(JSON.stringify(parsed.error?.issues)).toMatch(error);
  });
});
