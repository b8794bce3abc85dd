/** The one module of URL paths: what it builds, it parses back; what it does not build, it refuses. */
import { describe, expect, it } from 'vitest';
import { parseResourcePath, resourcePath, type ResourcePath } from '../api/paths.js';

describe('resource paths', () => {
  it.each<[string, ResourcePath]>([
    ['/apis/berth.dev/v1/clusters', { kind: 'Cluster' }],
    ['/apis/berth.dev/v1/clusters/prod', { kind: 'Cluster', name: 'prod' }],
    ['/apis/berth.dev/v1/clusters/prod/status', { kind: 'Cluster', name: 'prod', subresource: 'status' }],
    ['/apis/berth.dev/v1/services', { kind: 'Service' }],
    ['/apis/berth.dev/v1/clusters/prod/services', { kind: 'Service', cluster: 'prod' }],
    ['/apis/berth.dev/v1/clusters/prod/taskdefinitions/web%3A3', { kind: 'TaskDefinition', cluster: 'prod', name: 'web:3' }],
    ['/apis/berth.dev/v1/clusters/prod/tasks/t-1/status', { kind: 'Task', cluster: 'prod', name: 't-1', subresource: 'status' }],
    ['/apis/berth.dev/v1/clusters/status/containerinstances/i-1', { kind: 'ContainerInstance', cluster: 'status', name: 'i-1' }],
  ])('%s', (path, target) => {
    expect(resourcePath(target)).toBe(path);
    const { template, ...parsed } = parseResourcePath(path) ?? { template: '' };
    expect(parsed).toEqual(target);
    expect(template).not.toMatch(/prod|web|t-1|i-1/); // metric labels never carry names
  });

  it.each([
    '/apis/berth.dev/v1',
    '/apis/berth.dev/v1/widgets',
    '/apis/berth.dev/v1/services/web',
    '/apis/berth.dev/v1/clusters/prod/clusters',
    '/apis/berth.dev/v1/clusters/prod/services/web/spec',
    '/apis/berth.dev/v1/clusters/prod/services/web/status/extra',
    '/apis/berth.dev/v1/clusters//services',
    '/apis/berth.dev/v1/clusters/%E0%A4%A/services',
    '/api/v1/namespaces',
  ])('refuses %s', (path) => {
    expect(parseResourcePath(path)).toBeUndefined();
  });
});
