import { describe, expect, it } from 'vitest';
import { Task } from '../v1/task.js';
import { discoveryView } from '../usecases/resources/discovery-view.js';
import { authorize, type ResourceRequest } from './authorize.js';
import { TokenIdentity } from './principal.js';

const agent = TokenIdentity.parse({ name: 'agent i-1', role: 'agent', cluster: 'c', instance: 'i-1' });

describe('what an agent may read for service discovery', () => {
  it.each<[string, ResourceRequest, boolean]>([
    ['list every task in the discovery view', { verb: 'list', kind: 'Task', cluster: 'c', view: 'discovery' }, true],
    ['watch every task in the discovery view', { verb: 'watch', kind: 'Task', cluster: 'c', view: 'discovery' }, true],
    ['list every task, whole', { verb: 'list', kind: 'Task', cluster: 'c' }, false],
    ["list another instance's tasks in the discovery view", { verb: 'list', kind: 'Task', cluster: 'c', view: 'discovery', containerInstance: 'i-2' }, false],
    ['the discovery view in another cluster', { verb: 'list', kind: 'Task', cluster: 'd', view: 'discovery' }, false],
    ['list services', { verb: 'list', kind: 'Service', cluster: 'c' }, true],
    ['watch services', { verb: 'watch', kind: 'Service', cluster: 'c' }, true],
    ['update a service', { verb: 'update', kind: 'Service', cluster: 'c', name: 'web' }, false],
    ['list services of another cluster', { verb: 'list', kind: 'Service', cluster: 'd' }, false],
  ])('%s: %s', (_what, req, allowed) => {
    expect(authorize(agent, req).allowed === true).toBe(allowed);
  });
});

describe('discoveryView', () => {
  it('leaves out the overrides (they may carry environment values) and keeps where and how the task runs', () => {
    const task = Task.parse({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name: 't', cluster: 'c' },
      spec: {
        taskDefinition: 'web:1',
        group: 'service:web',
        overrides: { containerOverrides: [{ name: 'web', environment: [{ name: 'PASSWORD', value: 'x' }] }] },
      },
      status: { lastStatus: 'RUNNING', healthStatus: 'HEALTHY', discovery: { hostAddress: '10.0.0.1', healthChecked: true } },
    });
    const seen = discoveryView(task);
    expect(JSON.stringify(seen)).not.toContain('PASSWORD');
    expect(seen).toMatchObject({ spec: { group: 'service:web' }, status: { healthStatus: 'HEALTHY', discovery: { hostAddress: '10.0.0.1' } } });
  });
});
