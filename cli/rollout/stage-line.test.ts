import { describe, expect, it } from 'vitest';
import { DeploymentRollout } from '../../api/v1/deployment-strategy.js';
import { stageLine } from './progress.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const rollout = (r: Record<string, unknown>) =>
  DeploymentRollout.parse({ strategy: 'BLUE_GREEN', stage: 'SCALE_UP', stageStartedAt: at(0), blue: 'ecs-svc/1', ...r });

describe('berth rollout status: the stage line', () => {
  it.each([
    ['scaling up', {}, 'BLUE_GREEN stage SCALE_UP, production traffic to green 0% (blue 100%), test 0%'],
    ['baking', { stage: 'BAKE_TIME', productionTrafficWeight: 100, testTrafficWeight: 100, bakeEndsAt: at(12_300) }, 'bake time left 13s'],
    ['a long bake', { stage: 'BAKE_TIME', bakeEndsAt: at(30 * 60_000) }, 'bake time left 30m'],
    [
      'a canary step',
      { strategy: 'CANARY', stage: 'PRODUCTION_TRAFFIC_SHIFT', productionTrafficWeight: 10, nextStepAt: at(5_000) },
      'green 10% (blue 90%), test 0%, next step in 5s',
    ],
    [
      'paused',
      {
        stage: 'POST_SCALE_UP',
        hooks: [
          {
            hookId: 'h1',
            index: 0,
            stage: 'POST_SCALE_UP',
            targetType: 'PAUSE',
            status: 'AWAITING_ACTION',
            startedAt: at(0),
            expiresAt: at(60_000),
            timeoutAction: 'CONTINUE',
          },
        ],
      },
      'paused by hook h1 (berth rollout continue service/web; times out in 60s → CONTINUE)',
    ],
  ])('%s', (_, r, expected) => {
    expect(stageLine('web', rollout(r), T0)).toContain(expected);
  });
});
