import { describe, expect, it } from 'vitest';
import { TaskDefinitionSpec } from '../v1/task-definition.js';
import type { TaskPolicy } from '../v1/task-policy.js';
import { policyRefusals, type PolicySubject } from './task-policy-check.js';

const app = { name: 'app', image: 'busybox', memory: 16 };
const td = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): PolicySubject =>
  TaskDefinitionSpec.parse({ containerDefinitions: [{ ...app, ...container }], ...extra });

describe('policyRefusals', () => {
  it.each<[string, PolicySubject, string | undefined]>([
    ['a plain task', td(), undefined],
    ['a privileged container', td({}, { privileged: true }), 'spec.containerDefinitions[0].privileged'],
    ['host network', td({ networkMode: 'host' }), 'spec.networkMode'],
    ['host PID', td({ pidMode: 'host' }), 'spec.pidMode'],
    ['host IPC', td({ ipcMode: 'host' }), 'spec.ipcMode'],
    ['a bind mount of the host root', td({ volumes: [{ name: 'root', host: { sourcePath: '/' } }] }), 'spec.volumes[0].host.sourcePath'],
    ['a Docker-managed scratch volume', td({ volumes: [{ name: 'scratch', host: {} }] }), undefined],
    ['a local named volume', td({ volumes: [{ name: 'data', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true } }] }), undefined],
    [
      'a local volume that bind-mounts',
      td({ volumes: [{ name: 'v', dockerVolumeConfiguration: { driverOpts: { type: 'none', o: 'bind', device: '/etc' } } }] }),
      'spec.volumes[0].dockerVolumeConfiguration',
    ],
    [
      'a third-party volume driver',
      td({ volumes: [{ name: 'v', dockerVolumeConfiguration: { driver: 'rexray/ebs' } }] }),
      'spec.volumes[0].dockerVolumeConfiguration',
    ],
    [
      'an added capability',
      td({}, { linuxParameters: { capabilities: { add: ['SYS_ADMIN'] } } }),
      'spec.containerDefinitions[0].linuxParameters.capabilities.add',
    ],
    ['a dropped capability only', td({}, { linuxParameters: { capabilities: { drop: ['NET_RAW'] } } }), undefined],
    ['a device', td({}, { linuxParameters: { devices: [{ hostPath: '/dev/kmsg' }] } }), 'spec.containerDefinitions[0].linuxParameters.devices'],
    ['a sysctl', td({}, { systemControls: [{ namespace: 'net.ipv4.ip_forward', value: '1' }] }), 'spec.containerDefinitions[0].systemControls'],
    ['seccomp unconfined', td({}, { dockerSecurityOptions: ['seccomp=unconfined'] }), 'spec.containerDefinitions[0].dockerSecurityOptions'],
    ['no-new-privileges only', td({}, { dockerSecurityOptions: ['no-new-privileges', 'no-new-privileges:true'] }), undefined],
  ])('restricted (the default): %s → %s', (_what, spec, path) => {
    const refusals = policyRefusals(spec, undefined, 'prod');
    expect(refusals.map((r) => r.path)).toEqual(path ? [path] : []);
    for (const r of refusals)
      expect(r.message).toMatch(new RegExp(`^${r.path.replace(/[[\].]/g, '\\$&')}: .*restricted task policy of cluster prod refuses "${r.feature}"`));
  });

  it.each<[string, TaskPolicy, number]>([
    ['level privileged allows everything', { level: 'privileged' }, 0],
    ['allow lists what it names only', { level: 'restricted', allow: ['privileged', 'hostPaths'] }, 1],
    ['restricted with nothing allowed', { level: 'restricted' }, 3],
  ])('%s', (_what, policy, refused) => {
    const spec = td({ networkMode: 'host', volumes: [{ name: 'root', host: { sourcePath: '/' } }] }, { privileged: true });
    expect(policyRefusals(spec, policy, 'prod')).toHaveLength(refused);
  });
});
