import { describe, expect, it } from 'vitest';
import { bookkeepingUpToDate, instanceBookkeeping } from './bookkeeping.js';
import { testDefinition, testInstance, testTask, type TaskFixture } from './testing.js';

const definitions = new Map(
  [
    testDefinition('web:1', {
      containerDefinitions: [{ name: 'app', image: 'x', cpu: 256, memory: 512, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
    }),
    testDefinition('batch:1', { cpu: 512, memory: 1024, containerDefinitions: [{ name: 'job', image: 'x', memory: 64 }] }),
    testDefinition('dns:1', {
      containerDefinitions: [
        { name: 'd', image: 'x', memoryReservation: 100, memory: 200, portMappings: [{ containerPort: 53, hostPort: 53, protocol: 'udp' }] },
      ],
    }),
  ].map((d) => [d.metadata.name, d]),
);

const tasks = (...fixtures: [string, TaskFixture][]) => fixtures.map(([name, o]) => testTask(name, { instance: 'i-1', ...o }));

describe('instance bookkeeping (counts, remaining resources)', () => {
  it.each([
    ['no tasks', [], { running: 0, pending: 0, cpu: 2048, memory: 4096, tcp: [22], udp: [] }],
    ['one running web task', tasks(['a', {}]), { running: 1, pending: 0, cpu: 1792, memory: 3584, tcp: [22, 8080], udp: [] }],
    [
      'a pending batch task (task-level sizes)',
      tasks(['b', { taskDefinition: 'batch:1', lastStatus: 'PENDING' }]),
      { running: 0, pending: 1, cpu: 1536, memory: 3072, tcp: [22], udp: [] },
    ],
    [
      'memoryReservation is what is reserved; udp ports',
      tasks(['d', { taskDefinition: 'dns:1' }]),
      { running: 1, pending: 0, cpu: 2048, memory: 3996, tcp: [22], udp: [53] },
    ],
    [
      'STOPPED tasks free everything',
      tasks(['a', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }]),
      { running: 0, pending: 0, cpu: 2048, memory: 4096, tcp: [22], udp: [] },
    ],
    [
      'a stopping task still holds its resources',
      tasks(['a', { desiredStatus: 'STOPPED' }]),
      { running: 1, pending: 0, cpu: 1792, memory: 3584, tcp: [22, 8080], udp: [] },
    ],
    [
      'reported dynamic host ports are in use',
      tasks(['a', { status: { containers: [{ name: 'app', networkBindings: [{ containerPort: 80, hostPort: 32768 }] }] } }]),
      { running: 1, pending: 0, cpu: 1792, memory: 3584, tcp: [22, 8080, 32768], udp: [] },
    ],
    [
      'an unknown definition reserves nothing but is counted',
      tasks(['x', { taskDefinition: 'gone:1' }]),
      { running: 1, pending: 0, cpu: 2048, memory: 4096, tcp: [22], udp: [] },
    ],
    [
      'overrides change the demand',
      tasks(['a', { spec: { overrides: { containerOverrides: [{ name: 'app', cpu: 1024 }] } } }]),
      { running: 1, pending: 0, cpu: 1024, memory: 3584, tcp: [22, 8080], udp: [] },
    ],
  ])('%s', (_, bound, want) => {
    const got = instanceBookkeeping(testInstance('i-1', { ports: [22] }), bound, (t) => definitions.get(t.spec.taskDefinition));
    expect(got).toEqual({
      runningTasksCount: want.running,
      pendingTasksCount: want.pending,
      remainingResources: { cpu: want.cpu, memory: want.memory, portsTcp: want.tcp, portsUdp: want.udp },
    });
  });

  it('is up to date only when the status says exactly the same', () => {
    const next = { runningTasksCount: 1, pendingTasksCount: 0, remainingResources: { cpu: 1, memory: 2, portsTcp: [], portsUdp: [] } };
    expect(bookkeepingUpToDate(testInstance('i', { status: { ...next } }).status, next)).toBe(true);
    expect(bookkeepingUpToDate(testInstance('i', { status: { ...next, runningTasksCount: 2 } }).status, next)).toBe(false);
    expect(bookkeepingUpToDate(testInstance('i').status, next)).toBe(false);
  });
});
