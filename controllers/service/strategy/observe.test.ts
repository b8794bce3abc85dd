import { describe, expect, it } from 'vitest';
import { ROLLOUT_ACTION_ANNOTATION } from '../../../api/v1/deployment-strategy.js';
import { svc } from '../testing.js';
import { observeStrategy, rolloutAction } from './observe.js';

const withAnnotation = (value: string) => svc({}, undefined, { annotations: { [ROLLOUT_ACTION_ANNOTATION]: value } });

describe('the strategy observations', () => {
  it.each([
    [
      'a well-formed action',
      JSON.stringify({ action: 'STOP', deployment: 'ecs-svc/1', at: '2026-01-01T00:00:00.000Z' }),
      { action: 'STOP', deployment: 'ecs-svc/1' },
    ],
    ['not JSON', 'stop please', undefined],
    ['an unknown action', JSON.stringify({ action: 'PAUSE', deployment: 'ecs-svc/1', at: '2026-01-01T00:00:00.000Z' }), undefined],
  ])('%s', (_, value, expected) => {
    const action = rolloutAction(withAnnotation(value));
    if (expected === undefined) expect(action).toBeUndefined();
    else expect(action).toMatchObject(expected);
  });

  it('calls nothing for a service without a staged deployment in progress', async () => {
    const calls: string[] = [];
    const probes = {
      invokeWebhook: (url: string) => (calls.push(url), Promise.resolve({ hookStatus: 'SUCCEEDED' as const })),
      evaluateAlarm: () => Promise.reject(new Error('not expected')),
    };
    expect(await observeStrategy(svc(), probes, Date.now())).toEqual({});
    expect(calls).toEqual([]);
  });
});
