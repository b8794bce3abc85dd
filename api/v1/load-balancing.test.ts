/** The load-balancing kinds (LoadBalancer, TargetGroup) and a Service's loadBalancers: what each accepts and how each refusal reads. */
import { describe, expect, it } from 'vitest';
import { validateObject } from './index.js';
import { loadBalancerPortIssues, ServiceLoadBalancer } from './service-load-balancers.js';
import { targetGroupNameOf } from './target-group-ref.js';
import { rawObject } from './testing.js';

const issuesOf = (raw: unknown) => {
  const r = validateObject(raw);
  return r.ok ? [] : r.issues;
};
const forward = (name: string) => ({ type: 'forward', targetGroupName: name });
const lb = (listeners: unknown[]) => rawObject('LoadBalancer', { listeners });
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/73e2d6bc24d8a067';

describe('LoadBalancer', () => {
  it.each([
    ['one HTTP listener', [{ port: 80, defaultActions: [forward('web')] }]],
    ['a TCP listener', [{ port: 5432, protocol: 'TCP', defaultActions: [{ type: 'forward', targetGroupArn: ARN }] }]],
    [
      'rules by path and host, weighted',
      [
        {
          port: 80,
          defaultActions: [forward('web')],
          rules: [
            { priority: 1, conditions: [{ field: 'path-pattern', values: ['/api/*'] }], actions: [forward('api')] },
            {
              priority: 2,
              conditions: [{ field: 'host-header', values: ['*.example.com'] }],
              actions: [
                {
                  type: 'forward',
                  forwardConfig: {
                    targetGroups: [
                      { targetGroupName: 'blue', weight: 9 },
                      { targetGroupName: 'green', weight: 1 },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    ],
  ])('accepts %s', (_name, listeners) => {
    expect(issuesOf(lb(listeners))).toEqual([]);
  });

  it.each([
    [
      'two listeners on one port',
      [
        { port: 80, defaultActions: [forward('a')] },
        { port: 80, defaultActions: [forward('b')] },
      ],
      'spec.listeners.1.port',
      /port 80 has another listener/,
    ],
    [
      'rules on a TCP listener',
      [
        {
          port: 80,
          protocol: 'TCP',
          defaultActions: [forward('a')],
          rules: [{ priority: 1, conditions: [{ field: 'path-pattern', values: ['/x'] }], actions: [forward('b')] }],
        },
      ],
      'spec.listeners.0.rules',
      /TCP listener cannot match paths/,
    ],
    [
      'both a target group and a forwardConfig',
      [{ port: 80, defaultActions: [{ type: 'forward', targetGroupName: 'a', forwardConfig: { targetGroups: [{ targetGroupName: 'b' }] } }] }],
      'spec.listeners.0.defaultActions.0',
      /not both/,
    ],
    [
      'two rules with one priority',
      [
        {
          port: 80,
          defaultActions: [forward('a')],
          rules: [
            { priority: 5, conditions: [{ field: 'path-pattern', values: ['/x'] }], actions: [forward('b')] },
            { priority: 5, conditions: [{ field: 'path-pattern', values: ['/y'] }], actions: [forward('c')] },
          ],
        },
      ],
      'spec.listeners.0.rules.1.priority',
      /priority 5 is used by another rule/,
    ],
    ['a misspelt protocol', [{ port: 80, protocol: 'HTTPS', defaultActions: [forward('a')] }], 'spec.listeners.0.protocol', /HTTP/],
  ])('refuses %s', (_name, listeners, path, message) => {
    const found = issuesOf(lb(listeners)).filter((i) => i.path.join('.') === path);
    expect(found.map((i) => i.message).join('; ')).toMatch(message);
  });
});

describe('TargetGroup', () => {
  it('fills ELB defaults', () => {
    const r = validateObject(rawObject('TargetGroup', {}));
    expect(r.ok && r.object.kind === 'TargetGroup' && r.object.spec).toEqual({
      protocol: 'HTTP',
      healthCheck: { path: '/', matcher: { httpCode: '200' }, intervalSeconds: 30, timeoutSeconds: 5, healthyThresholdCount: 5, unhealthyThresholdCount: 2 },
      deregistrationDelay: 300,
      slowStart: 0,
    });
  });

  it.each([
    [
      'a timeout longer than the interval',
      { healthCheck: { intervalSeconds: 1, timeoutSeconds: 2 } },
      'spec.healthCheck.timeoutSeconds',
      /at most intervalSeconds/,
    ],
    ['a bad matcher', { healthCheck: { matcher: { httpCode: '2xx' } } }, 'spec.healthCheck.matcher.httpCode', /range \(200-299\)/],
    ['a relative path', { healthCheck: { path: 'health' } }, 'spec.healthCheck.path', /start with "\/"/],
    ['a slow start under 30 s', { slowStart: 10 }, 'spec.slowStart', /0 \(off\) or 30-900/],
  ])('refuses %s', (_name, spec, path, message) => {
    const found = issuesOf(rawObject('TargetGroup', spec)).filter((i) => i.path.join('.') === path);
    expect(found.map((i) => i.message).join('; ')).toMatch(message);
  });
});

describe("a Service's loadBalancers", () => {
  const service = (loadBalancers: unknown) => rawObject('Service', { taskDefinition: 'web', loadBalancers });

  it.each([
    ['by name', [{ targetGroupName: 'web', containerName: 'app', containerPort: 80 }]],
    ['by ELB ARN', [{ targetGroupArn: ARN, containerName: 'app', containerPort: 80 }]],
  ])('accepts a target group %s', (_name, lbs) => {
    expect(issuesOf(service(lbs))).toEqual([]);
  });

  it.each([
    ['no target group', [{ containerName: 'app', containerPort: 80 }], 'spec.loadBalancers.0.targetGroupName', /exactly one of them/],
    [
      'both names',
      [{ targetGroupName: 'web', targetGroupArn: ARN, containerName: 'app', containerPort: 80 }],
      'spec.loadBalancers.0.targetGroupName',
      /exactly one/,
    ],
    [
      'an ARN of something else',
      [{ targetGroupArn: 'arn:aws:ecs:us-east-1:123456789012:service/x/y', containerName: 'a', containerPort: 80 }],
      'spec.loadBalancers.0.targetGroupArn',
      /targetgroup\/NAME\/ID/,
    ],
  ])('refuses %s', (_name, lbs, path, message) => {
    const found = issuesOf(service(lbs)).filter((i) => i.path.join('.') === path);
    expect(found.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('reads the name out of an ARN', () => {
    expect(targetGroupNameOf({ targetGroupArn: ARN })).toBe('web-tg');
    expect(targetGroupNameOf({ targetGroupName: 'x' })).toBe('x');
  });

  const containers = [{ name: 'app', portMappings: [{ containerPort: 80 }, { containerPort: 9090 }] }, { name: 'sidecar' }];
  it.each([
    ['a mapped port', { containerName: 'app', containerPort: 9090 }, []],
    ['an unknown container', { containerName: 'ap', containerPort: 80 }, [['containerName', /has no container "ap" \(it has "app", "sidecar"\); name one/]]],
    [
      'an unmapped port',
      { containerName: 'app', containerPort: 8080 },
      [['containerPort', /maps no containerPort 8080 \(its portMappings: 80, 9090\); add the port/]],
    ],
    ['a container without ports', { containerName: 'sidecar', containerPort: 80 }, [['containerPort', /portMappings: none/]]],
  ] as const)('checks %s against the task definition', (_name, entry, expected) => {
    const parsed = ServiceLoadBalancer.parse({ targetGroupName: 'web', ...entry });
    const issues = loadBalancerPortIssues([parsed], containers, 'web:3');
    expect(issues.map((i) => i.path.at(-1))).toEqual(expected.map(([field]) => field));
    expected.forEach(([, message], i) => expect(issues[i]?.message).toMatch(message));
  });
});
