/**
 * The traffic bench's blue/green and canary services (PURE object builders): each its own task
 * definition family, a blue and a green target group, and a load balancer whose production and test
 * listeners the service's advancedConfiguration names, so that an update moves traffic by weights
 * on berth's HAProxy as ECS moves it on an ALB. Bake times are short (berth "minutes" of 1 s): the
 * bench measures what a shift under load loses, not how long a bake lasts.
 */
import type { DeploymentStrategy } from '../api/v1/deployment-strategy.js';

export type ShiftingStrategy = Extract<DeploymentStrategy, 'BLUE_GREEN' | 'CANARY'>;

export interface StrategyWebOptions {
  cluster: string;
  strategy: ShiftingStrategy;
  /** The production listener's port; the test listener is the next one. */
  port: number;
  replicas: number;
  containerPort: number;
  /** The target groups' health check (the same as the rolling service's). */
  healthCheck: { path: string; intervalSeconds: number; timeoutSeconds: number; healthyThresholdCount: number; unhealthyThresholdCount: number };
}

/** The service's (and its family's) name. */
export const strategyServiceName = (strategy: ShiftingStrategy) => (strategy === 'BLUE_GREEN' ? 'web-bg' : 'web-canary');

const CONFIG: Record<ShiftingStrategy, Record<string, unknown>> = {
  BLUE_GREEN: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
  CANARY: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 5 },
};

/** The target groups and the load balancer, to create before the service. */
export function strategyFrontObjects(o: StrategyWebOptions) {
  const name = strategyServiceName(o.strategy);
  const group = (side: string) => ({
    apiVersion: 'berth.dev/v1',
    kind: 'TargetGroup' as const,
    metadata: { name: `${name}-${side}`, cluster: o.cluster },
    spec: { protocol: 'HTTP', healthCheck: o.healthCheck, deregistrationDelay: 2 },
  });
  const forward = { type: 'forward', targetGroupName: `${name}-blue` };
  return [
    group('blue'),
    group('green'),
    {
      apiVersion: 'berth.dev/v1',
      kind: 'LoadBalancer' as const,
      metadata: { name, cluster: o.cluster },
      spec: {
        listeners: [
          { port: o.port, protocol: 'HTTP', defaultActions: [forward] },
          { port: o.port + 1, protocol: 'HTTP', defaultActions: [forward] },
        ],
      },
    },
  ] as const;
}

export function strategyService(o: StrategyWebOptions) {
  const name = strategyServiceName(o.strategy);
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'Service' as const,
    metadata: { name, cluster: o.cluster },
    spec: {
      taskDefinition: name,
      desiredCount: o.replicas,
      deploymentConfiguration: { berthMinuteSeconds: 1, ...CONFIG[o.strategy] },
      loadBalancers: [
        {
          targetGroupName: `${name}-blue`,
          containerName: 'web',
          containerPort: o.containerPort,
          advancedConfiguration: {
            alternateTargetGroupName: `${name}-green`,
            productionListenerRule: `${name}/${o.port}/default`,
            testListenerRule: `${name}/${o.port + 1}/default`,
          },
        },
      ],
    },
  };
}
