import { describe, expect, it } from 'vitest';
import { TaskDefinition } from '../../../api/v1/task-definition.js';
import { Task } from '../../../api/v1/task.js';
import { rawContainer, rawTaskDefinition } from '../../../api/v1/testing.js';
import { DOCKER_NAME_PATTERN } from './names.js';
import { needsSandbox, sandboxSpec } from './spec-sandbox.js';
import type { ContainerSpec } from './types.js';

const scope = { installation: 'inst-1', cluster: 'prod', instance: 'i-1' };
const task = Task.parse({
  apiVersion: 'berth.dev/v1',
  kind: 'Task',
  metadata: { name: 't1', cluster: 'prod', uid: '0123abcd-4567' },
  spec: { taskDefinition: 'web:3', containerInstance: 'i-1' },
});
const td = (containers: Record<string, unknown>[]) => TaskDefinition.parse(rawTaskDefinition({ networkMode: 'awsvpc', containerDefinitions: containers }));
const build = (containers: Record<string, unknown>[], extra: { cgroupParent?: string; command?: string[]; resolver?: string } = {}) =>
  sandboxSpec({
    task,
    taskDefinition: td(containers),
    scope,
    sandbox: { image: 'pause:1', ...(extra.command ? { command: extra.command } : {}) },
    ...(extra.cgroupParent ? { cgroupParent: extra.cgroupParent } : {}),
    ...(extra.resolver ? { resolver: extra.resolver } : {}),
  });

describe('sandboxSpec', () => {
  it.each<[string, Record<string, unknown>[], (s: ContainerSpec) => unknown, unknown]>([
    ['named after the task, apart from every container name', [rawContainer('app')], (s) => s.name, 'berth-prod-0123abcd4567.sandbox'],
    [
      'labelled as the task’s sandbox',
      [rawContainer('app')],
      (s) => [s.Labels?.['berth.sandbox'], s.Labels?.['berth.task'], s.Labels?.['berth.container']],
      ['true', 't1', undefined],
    ],
    ['on the default bridge: its own address', [rawContainer('app')], (s) => s.HostConfig?.NetworkMode, 'bridge'],
    [
      'exposes every container’s ports and publishes none, hostPort written or not (they are on the task’s own address)',
      [
        rawContainer('web', { portMappings: [{ containerPort: 80, hostPort: 80 }] }),
        rawContainer('dns', { portMappings: [{ containerPort: 53, protocol: 'udp' }] }),
      ],
      (s) => [s.HostConfig?.PortBindings, s.ExposedPorts],
      [undefined, { '80/tcp': {}, '53/udp': {} }],
    ],
    ['no ports, nothing published', [rawContainer('app')], (s) => s.HostConfig?.PortBindings, undefined],
    [
      'the namespace’s DNS and hosts, from all containers, once each',
      [
        rawContainer('a', { dnsServers: ['10.0.0.2'], extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.5' }] }),
        rawContainer('b', { dnsServers: ['10.0.0.2'] }),
      ],
      (s) => [s.HostConfig?.Dns, s.HostConfig?.ExtraHosts],
      [['10.0.0.2'], ['db:10.0.0.5']],
    ],
    [
      'the task’s network sysctls, the others left to their containers',
      [
        rawContainer('a', {
          systemControls: [
            { namespace: 'net.core.somaxconn', value: '1024' },
            { namespace: 'kernel.msgmax', value: '65536' },
          ],
        }),
      ],
      (s) => s.HostConfig?.Sysctls,
      { 'net.core.somaxconn': '1024' },
    ],
    ['runs the image, sleeping by default', [rawContainer('app')], (s) => [s.Image, s.Cmd], ['pause:1', ['sleep', '2147483647']]],
  ])('%s', (_what, containers, pick, want) => {
    expect(pick(build(containers))).toEqual(want);
  });

  it.each([
    ['the agent’s DNS server when no container names one', [rawContainer('a')], ['10.9.0.1']],
    ['the containers’ own dnsServers over it', [rawContainer('a', { dnsServers: ['10.0.0.2'] })], ['10.0.0.2']],
  ])('resolvers: %s', (_what, containers, want) => {
    expect(build(containers, { resolver: '10.9.0.1' }).HostConfig?.Dns).toEqual(want);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['awsvpc alone: the network only', { networkMode: 'awsvpc' }, { NetworkMode: 'bridge', IpcMode: undefined }],
    ['pidMode task in bridge mode: no network of its own, the containers keep theirs', { pidMode: 'task' }, { NetworkMode: 'none', IpcMode: undefined }],
    ['ipcMode task: an IPC namespace others may join', { networkMode: 'host', ipcMode: 'task' }, { NetworkMode: 'none', IpcMode: 'shareable' }],
    ['awsvpc and ipcMode task: both', { networkMode: 'awsvpc', ipcMode: 'task' }, { NetworkMode: 'bridge', IpcMode: 'shareable' }],
  ])('namespaces: %s', (_what, spec, want) => {
    const s = sandboxSpec({
      task,
      taskDefinition: TaskDefinition.parse(
        rawTaskDefinition({ ...spec, containerDefinitions: [rawContainer('app', { portMappings: [{ containerPort: 80 }] })] }),
      ),
      scope,
      sandbox: { image: 'pause:1' },
    });
    expect({ NetworkMode: s.HostConfig?.NetworkMode, IpcMode: s.HostConfig?.IpcMode }).toEqual(want);
    // Ports are exposed on the sandbox only when it holds the task's network, and published never.
    expect(s.ExposedPorts !== undefined).toBe(spec.networkMode === 'awsvpc');
    expect(s.HostConfig?.PortBindings).toBeUndefined();
  });

  it.each([
    ['bridge', {}, false],
    ['awsvpc', { networkMode: 'awsvpc' }, true],
    ['pidMode task', { pidMode: 'task' }, true],
    ['ipcMode task', { ipcMode: 'task' }, true],
    ['pidMode and ipcMode host', { pidMode: 'host', ipcMode: 'host' }, false],
  ])('needsSandbox: %s → %s', (_what, spec, want) => {
    expect(needsSandbox(TaskDefinition.parse(rawTaskDefinition({ ...spec, containerDefinitions: [rawContainer('app')] })).spec)).toBe(want);
  });

  it('joins the task’s cgroup and runs what it is told', () => {
    const s = build([rawContainer('app')], { cgroupParent: '/berth/x', command: ['/pause'] });
    expect([s.HostConfig?.CgroupParent, s.Cmd]).toEqual(['/berth/x', ['/pause']]);
    expect(s.name).toMatch(DOCKER_NAME_PATTERN);
  });
});
