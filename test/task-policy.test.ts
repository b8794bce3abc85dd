/**
 * A cluster's task policy over the real server on etcd: under the default (restricted) a task
 * definition that bind-mounts the host's root is refused with the field and the policy named; a
 * cluster admin's allow lets it in; a service or task that uses such a definition is refused once
 * the policy no longer allows it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../api/paths.js';
import { raw, startApi, type RunningApi } from './api-harness.js';
import { openTestEtcd, type TestStore } from './support/stores.js';

const hostRoot = {
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition',
  metadata: { name: 'rooted', cluster: 'prod' },
  spec: {
    containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 16, mountPoints: [{ sourceVolume: 'root', containerPath: '/host' }] }],
    volumes: [{ name: 'root', host: { sourcePath: '/' } }],
  },
};
const prod = `${API_PREFIX}/clusters/prod`;

describe('task policy', () => {
  let backend: TestStore;
  let api: RunningApi;
  beforeEach(async () => {
    backend = await openTestEtcd();
    api = await startApi(backend);
    await api.resources.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'prod' }, spec: {} });
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('refuses a bind mount of the host root under the default policy, naming the field and the policy (403, nothing written)', async () => {
    const res = await raw(`${api.url}${prod}/taskdefinitions`, { method: 'POST', token: api.adminToken, body: JSON.stringify(hostRoot) });
    expect(res.status).toBe(403);
    const message = JSON.stringify(res.body);
    expect(message).toContain('spec.volumes[0].host.sourcePath');
    expect(message).toContain('restricted task policy of cluster prod');
    expect(message).toContain('spec.taskPolicy.allow');
    expect(await api.resources.get('TaskDefinition', { cluster: 'prod', name: 'rooted:1' })).toBeUndefined();
  });

  it('refuses a privileged container even to an installation admin', async () => {
    const privileged = { ...hostRoot, spec: { containerDefinitions: [{ name: 'app', image: 'x', memory: 16, privileged: true }] } };
    const res = await raw(`${api.url}${prod}/taskdefinitions`, { method: 'POST', token: api.adminToken, body: JSON.stringify(privileged) });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain('spec.containerDefinitions[0].privileged');
  });

  it('lets it in once the cluster allows hostPaths, and refuses its use after the allow is taken back', async () => {
    await api.client().patch('Cluster', { name: 'prod' }, { spec: { taskPolicy: { allow: ['hostPaths'] } } });
    const created = await raw(`${api.url}${prod}/taskdefinitions`, { method: 'POST', token: api.adminToken, body: JSON.stringify(hostRoot) });
    expect(created.status).toBe(201);
    await api.client().patch('Cluster', { name: 'prod' }, { spec: { taskPolicy: null } });
    const service = {
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'rooted', cluster: 'prod' },
      spec: { taskDefinition: 'rooted', desiredCount: 1 },
    };
    const res = await raw(`${api.url}${prod}/services`, { method: 'POST', token: api.adminToken, body: JSON.stringify(service) });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain('service rooted (task definition rooted)');
    const task = { apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name: 't', cluster: 'prod' }, spec: { taskDefinition: 'rooted:1' } };
    expect((await raw(`${api.url}${prod}/tasks`, { method: 'POST', token: api.adminToken, body: JSON.stringify(task) })).status).toBe(403);
  });

  it('level privileged allows everything', async () => {
    await api.client().patch('Cluster', { name: 'prod' }, { spec: { taskPolicy: { level: 'privileged' } } });
    expect((await raw(`${api.url}${prod}/taskdefinitions`, { method: 'POST', token: api.adminToken, body: JSON.stringify(hostRoot) })).status).toBe(201);
  });
});
