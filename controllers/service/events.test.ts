import { describe, expect, it } from 'vitest';
import { MAX_SERVICE_EVENTS } from '../../api/v1/service.js';
import { messages, newMessages, nextStatus } from './events.js';
import type { ServicePlan } from './plan.js';
import { iso, svc, T0 } from './testing.js';

const D = 'ecs-svc/1';
const basePlan: ServicePlan = {
  deleting: false,
  desiredCount: 2,
  taskDefinition: 'web:1',
  deployments: [],
  notes: [],
  stop: [],
  runningCount: 2,
  pendingCount: 0,
  unplaced: [],
  steady: false,
  finalize: false,
  throttled: false,
  launch: { failed: [], recovered: true },
  draining: [],
};
const withEvents = (...ms: [string, number][]) => svc({}, { events: ms.map(([message, at], i) => ({ id: `e${i}`, message, createdAt: iso(at) })) });
const REPEAT = 300_000;

describe('service events', () => {
  it.each([
    [
      'no container instance met all of its requirements: 2 of 2 instances lacked MEMORY',
      '(service web) was unable to place a task because no container instance met all of its requirements. Reason: 2 of 2 instances lacked MEMORY.',
    ],
    [
      'no container instances are registered in cluster default',
      '(service web) was unable to place a task. Reason: no container instances are registered in cluster default.',
    ],
  ])('unable to place, from the pendingReason %s', (reason, message) => {
    expect(messages.unplaced('web', reason)).toBe(message);
  });

  it('says what happened in ECS words, oldest first', () => {
    const out = newMessages(
      svc(),
      {
        ...basePlan,
        notes: [
          { type: 'created', id: D, taskDefinition: 'web:2' },
          { type: 'completed', id: D },
        ],
      },
      {
        started: ['a', 'b'],
        stopped: [{ name: 'x', reason: 'r', unhealthy: true }],
      },
      T0,
      REPEAT,
    );
    expect(out).toEqual([
      `(service web) (deployment ${D}) deployment started: task definition web:2.`,
      '(service web) (task x) failed container health checks.',
      '(service web) has stopped 1 running tasks: (task x).',
      '(service web) has started 2 tasks: (task a) (task b).',
      `(service web) (deployment ${D}) deployment completed.`,
    ]);
  });

  it.each([
    ['says steady state once', withEvents(), true],
    ['not again while nothing else happened', withEvents([messages.steady('web'), T0 - 10]), false],
    ['again after something else happened', withEvents(['(service web) has started 1 tasks: (task a).', T0 - 5], [messages.steady('web'), T0 - 10]), true],
  ])('%s', (_name, service, says) => {
    expect(newMessages(service, { ...basePlan, steady: true }, { started: [], stopped: [] }, T0, REPEAT).includes(messages.steady('web'))).toBe(says);
  });

  it.each([
    ['a new condition is said', withEvents(), 1],
    ['the same condition is not repeated within the window', withEvents([messages.unplaced('web', 'RESOURCE:CPU'), T0 - 1000]), 0],
    ['it is said again after the window', withEvents([messages.unplaced('web', 'RESOURCE:CPU'), T0 - REPEAT - 1]), 1],
  ])('unable to place: %s', (_name, service, n) => {
    expect(newMessages(service, { ...basePlan, unplaced: ['RESOURCE:CPU'] }, { started: [], stopped: [] }, T0, REPEAT)).toHaveLength(n);
  });

  it.each([
    ['a new wait is said', withEvents(), 1],
    ['the same wait is not repeated within the window', withEvents([messages.waiting('web', 'waiting for secrets: x'), T0 - 1000]), 0],
  ])('a placed task waiting for a secret: %s', (_name, service, n) => {
    const said = newMessages(service, { ...basePlan, waiting: ['waiting for secrets: x'] }, { started: [], stopped: [] }, T0, REPEAT);
    expect(said).toEqual(n === 1 ? ['(service web) has a task that cannot start yet: waiting for secrets: x.'] : []);
  });

  it('keeps at most 100 events, newest first, and the last resolved revision when resolution fails', () => {
    const many = withEvents(...Array.from({ length: MAX_SERVICE_EVENTS }, (_, i): [string, number] => [`old ${i}`, T0 - 1000 - i]));
    const service = { ...many, status: { ...many.status!, taskDefinition: 'web:1' } };
    let n = 0;
    const status = nextStatus(
      service,
      { ...basePlan, taskDefinition: undefined, problem: 'task definition web:9 does not exist' },
      { started: ['a'], stopped: [] },
      T0,
      REPEAT,
      () => `n${n++}`,
    );
    expect(status.events).toHaveLength(MAX_SERVICE_EVENTS);
    expect(status.events[0]?.message).toBe('(service web) has started 1 tasks: (task a).');
    expect(status.events[1]?.message).toBe('(service web) cannot start tasks: task definition web:9 does not exist.');
    expect(status.events[2]?.message).toBe('old 0');
    expect(status.taskDefinition).toBe('web:1');
  });
});
