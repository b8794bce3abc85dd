/** Listeners forward only to target groups of their own protocol: which forwards break it, and where each refusal points. */
import { describe, expect, it } from 'vitest';
import { listenerProtocolIssues, targetGroupProtocolIssues } from './listener-protocols.js';
import { LoadBalancerSpec } from './load-balancer.js';

const ARN = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/73e2d6bc24d8a067`;
const forward = (name: string) => ({ type: 'forward', targetGroupName: name });
const spec = (listeners: unknown[]) => LoadBalancerSpec.parse({ listeners });
const GROUPS: Record<string, 'HTTP' | 'TCP'> = { web: 'HTTP', api: 'HTTP', db: 'TCP', cache: 'TCP' };
const protocolOf = (name: string) => GROUPS[name];

describe('listenerProtocolIssues', () => {
  it.each([
    ['HTTP to HTTP', [{ port: 80, defaultActions: [forward('web')] }], []],
    ['TCP to TCP', [{ port: 5432, protocol: 'TCP', defaultActions: [forward('db')] }], []],
    ['a group not created yet (judged when it is)', [{ port: 5432, protocol: 'TCP', defaultActions: [forward('later')] }], []],
    [
      'TCP default action to an HTTP group',
      [{ port: 5432, protocol: 'TCP', defaultActions: [forward('web')] }],
      [['spec', 'listeners', 0, 'defaultActions', 0, 'targetGroupName']],
    ],
    [
      'HTTP default action to a TCP group named by ARN',
      [{ port: 80, defaultActions: [{ type: 'forward', targetGroupArn: ARN('db') }] }],
      [['spec', 'listeners', 0, 'defaultActions', 0, 'targetGroupArn']],
    ],
    [
      'a rule of an HTTP listener to a TCP group',
      [
        {
          port: 80,
          defaultActions: [forward('web')],
          rules: [{ priority: 1, conditions: [{ field: 'path-pattern', values: ['/x'] }], actions: [forward('cache')] }],
        },
      ],
      [['spec', 'listeners', 0, 'rules', 0, 'actions', 0, 'targetGroupName']],
    ],
    [
      'one weighted group of another protocol, on the second listener',
      [
        { port: 80, defaultActions: [forward('web')] },
        {
          port: 81,
          defaultActions: [{ type: 'forward', forwardConfig: { targetGroups: [{ targetGroupName: 'api' }, { targetGroupName: 'db', weight: 3 }] } }],
        },
      ],
      [['spec', 'listeners', 1, 'defaultActions', 0, 'forwardConfig', 'targetGroups', 1, 'targetGroupName']],
    ],
  ])('%s', (_what, listeners, paths) => {
    expect(listenerProtocolIssues(spec(listeners), protocolOf).map((i) => i.path)).toEqual(paths);
  });

  it('says which listener, which group, both protocols and what to do', () => {
    const [issue] = listenerProtocolIssues(spec([{ port: 5432, protocol: 'TCP', defaultActions: [forward('web')] }]), protocolOf);
    expect(issue?.message).toBe(
      `listener 5432 is TCP but target group "web" is HTTP, and a listener forwards only to target groups of its own protocol (ELB's IncompatibleProtocols); ` +
        'name a TCP target group here, or make the listener HTTP',
    );
  });
});

describe('targetGroupProtocolIssues', () => {
  const balancers = [
    { metadata: { name: 'front' }, spec: spec([{ port: 80, defaultActions: [forward('web')] }]) },
    {
      metadata: { name: 'side' },
      spec: spec([
        { port: 81, defaultActions: [{ type: 'forward', targetGroupArn: ARN('web') }] },
        { port: 82, defaultActions: [forward('api')] },
      ]),
    },
  ];

  it.each([
    ['the protocol its listeners have', 'web', 'HTTP', 0],
    ['a group no listener names', 'other', 'TCP', 0],
    ['another protocol than the listeners naming it', 'web', 'TCP', 1],
  ] as const)('%s', (_what, group, protocol, count) => {
    expect(targetGroupProtocolIssues(group, protocol, balancers)).toHaveLength(count);
  });

  it('names every listener it would break, at spec.protocol', () => {
    expect(targetGroupProtocolIssues('web', 'TCP', balancers)).toEqual([
      {
        path: ['spec', 'protocol'],
        message:
          "load balancer front listener 80 (HTTP), load balancer side listener 81 (HTTP) forward to this target group, and a listener forwards only to target groups of its own protocol (ELB's IncompatibleProtocols); " +
          'keep protocol HTTP, or first point those listeners at another group',
      },
    ]);
  });
});
