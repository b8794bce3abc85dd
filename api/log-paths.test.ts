import { describe, expect, it } from 'vitest';
import { agentLogsPath, parseAgentLogsPath, taskLogPath } from './paths.js';

describe('log paths', () => {
  it('the API server route of a task log', () => {
    expect(taskLogPath('prod', 'web:3-abc')).toBe('/apis/berth.dev/v1/clusters/prod/tasks/web%3A3-abc/log');
  });

  it.each([
    ['web-1', 'app'],
    ['web:3-x', 'side_car'],
  ])('the agent path of %s/%s round-trips', (task, container) => {
    expect(parseAgentLogsPath(agentLogsPath(task, container))).toEqual({ task, container });
  });

  it.each([
    '/v1/tasks/t/containers/c',
    '/v1/tasks/t/containers/c/logs/x',
    '/v2/tasks/t/containers/c/logs',
    '/v1/tasks//containers/c/logs',
    '/v1/tasks/%E0/containers/c/logs',
  ])('%s is not an agent log path', (path) => expect(parseAgentLogsPath(path)).toBeUndefined());
});
