/**
 * What an agent token may write in its own ContainerInstance and read of task definitions, over
 * the real server on etcd: it registers what its machine offers once, and cannot afterwards undo
 * a drain, claim resources or attributes, add finalizers, or take another agent's log address.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HttpClient } from '../api/client/http-client.js';
import { API_PREFIX } from '../api/paths.js';
import { raw, startApi, task, type RunningApi } from './api-harness.js';
import { keysSnapshot, openTestEtcd, type TestStore } from './support/stores.js';

const instances = `${API_PREFIX}/clusters/default/containerinstances`;

const registration = (name: string, address?: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'ContainerInstance' as const,
  metadata: { name },
  spec: { registeredResources: { cpu: 1024, memory: 2048 }, attributes: { 'ecs.instance-type': 'small' }, ...(address ? { agent: { address } } : {}) },
});

const definition = (name: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name },
  spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 16, environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] },
});

describe('an agent and its own instance', () => {
  let backend: TestStore;
  let api: RunningApi;
  let agent: HttpClient;
  let agentToken: string;
  beforeEach(async () => {
    backend = await openTestEtcd();
    api = await startApi(backend);
    agentToken = await api.tokens.issueAgentToken('default', 'i-1');
    agent = api.client(agentToken);
    await agent.create(registration('i-1', 'http://127.0.0.1:51001'));
    await api.resources.create(registration('i-2', 'http://127.0.0.1:51002'));
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('registers, then updates its agent fields and heartbeats', async () => {
    const moved = await agent.patch('ContainerInstance', { name: 'i-1' }, { spec: { agent: { address: 'https://127.0.0.1:51003', version: '9' } } });
    expect(moved.spec.agent).toEqual({ address: 'https://127.0.0.1:51003', version: '9' });
    const beat = await agent.patch(
      'ContainerInstance',
      { name: 'i-1' },
      { status: { agentConnected: true, lastHeartbeat: new Date().toISOString() } },
      { subresource: 'status' },
    );
    expect(beat.status?.agentConnected).toBe(true);
  });

  it('cannot undo DRAINING, with a patch or a whole-object update', async () => {
    await api.resources.patch('ContainerInstance', { name: 'i-1' }, { spec: { status: 'DRAINING' } });
    await expect(agent.patch('ContainerInstance', { name: 'i-1' }, { spec: { status: 'ACTIVE' } })).rejects.toMatchObject({
      code: 403,
      message: expect.stringContaining('spec.status'),
    });
    await expect(agent.mutate('ContainerInstance', { name: 'i-1' }, (ci) => void (ci.spec.status = 'ACTIVE'))).rejects.toMatchObject({ code: 403 });
    expect((await api.resources.mustGet('ContainerInstance', { name: 'i-1' })).spec.status).toBe('DRAINING');
  });

  it.each([
    ['claim more resources', { spec: { registeredResources: { cpu: 65536 } } }, 'spec.registeredResources'],
    ['add an attribute it did not report at registration', { spec: { attributes: { team: 'payments' } } }, 'spec.attributes'],
    ['change an attribute it reported', { spec: { attributes: { 'ecs.instance-type': 'huge' } } }, 'spec.attributes'],
    ['add a finalizer', { metadata: { finalizers: ['evil/keep'] } }, 'metadata.finalizers'],
    ['label itself', { metadata: { labels: { tier: 'db' } } }, 'metadata.labels'],
    ["take another instance's log address", { spec: { agent: { address: 'http://127.0.0.1:51002' } } }, 'i-2'],
    ['register a log address with a path', { spec: { agent: { address: 'http://10.0.0.9:80/api/steal' } } }, 'origin only'],
    ['register a log address with credentials', { spec: { agent: { address: 'http://u:p@10.0.0.9:80' } } }, 'credentials'],
    ['register a log address that is not http', { spec: { agent: { address: 'file:///etc/passwd' } } }, 'http or https'],
  ])('may not %s (403 naming the field, nothing written)', async (_what, patch, said) => {
    const before = await keysSnapshot(api.store);
    const res = await raw(`${api.url}${instances}/i-1`, {
      method: 'PATCH',
      token: agentToken,
      body: JSON.stringify(patch),
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain(said);
    expect(await keysSnapshot(api.store)).toBe(before);
  });

  it.each<[string, { metadata?: object; spec?: object }, string]>([
    ['registers ACTIVE only', { spec: { status: 'DRAINING' } }, 'spec.status'],
    ['may not register with a finalizer', { metadata: { finalizers: ['x/y'] } }, 'metadata.finalizers'],
    ["may not register another instance's log address", { spec: { agent: { address: 'http://127.0.0.1:51002/' } } }, 'i-2'],
  ])('a new agent %s (403)', async (_what, extra, said) => {
    const token = await api.tokens.issueAgentToken('default', 'i-3');
    const body = registration('i-3');
    const object = { ...body, metadata: { ...body.metadata, ...extra.metadata }, spec: { ...body.spec, ...extra.spec } };
    const res = await raw(`${api.url}${instances}`, { method: 'POST', token, body: JSON.stringify(object) });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain(said);
    expect(await api.resources.get('ContainerInstance', { name: 'i-3' })).toBeUndefined();
  });

  it('may not write status the instance controller owns', async () => {
    const res = await raw(`${api.url}${instances}/i-1/status`, {
      method: 'PATCH',
      token: agentToken,
      body: JSON.stringify({ status: { remainingResources: { cpu: 99999, memory: 99999 } } }),
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain('status.remainingResources');
  });
});

describe('an agent and task definitions', () => {
  let backend: TestStore;
  let api: RunningApi;
  let agentToken: string;
  beforeEach(async () => {
    backend = await openTestEtcd();
    api = await startApi(backend);
    agentToken = await api.tokens.issueAgentToken('default', 'i-1');
    await api.resources.create(definition('web'));
    await api.resources.create(definition('payroll'));
    await api.resources.create(task('mine', 'i-1'));
    await api.resources.create({ ...task('theirs', 'i-2'), spec: { taskDefinition: 'payroll:1', containerInstance: 'i-2' } });
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it("reads the definition of a task bound to it, in its own cluster (definitions are the account's; an agent acts in its cluster)", async () => {
    const td = await api.client(agentToken).mustGet('TaskDefinition', { cluster: 'default', name: 'web:1' });
    expect(td.spec.containerDefinitions[0]?.name).toBe('app');
  });

  it.each([
    ["the definition of another instance's task", `${API_PREFIX}/clusters/default/taskdefinitions/payroll:1`],
    ['every definition (list)', `${API_PREFIX}/clusters/default/taskdefinitions`],
    ['every definition (watch)', `${API_PREFIX}/clusters/default/taskdefinitions?watch=1`],
  ])('may not read %s (403)', async (_what, path) => {
    const res = await raw(`${api.url}${path}`, { token: agentToken });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });
});
