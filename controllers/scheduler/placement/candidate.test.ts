import { describe, expect, it } from 'vitest';
import { ContainerInstance } from '../../../api/v1/index.js';
import { rawObject } from '../../../api/v1/testing.js';
import { candidateFromInstance, isEligible } from './candidate.js';

const instance = (spec: Record<string, unknown>, status?: Record<string, unknown>) =>
  ContainerInstance.parse(rawObject('ContainerInstance', { registeredResources: { cpu: 2048, memory: 4096, ports: [22] }, ...spec }, 'node-1', status));

describe('candidateFromInstance', () => {
  it('uses what the agent reported as remaining', () => {
    const c = candidateFromInstance(
      instance(
        { attributes: { 'ecs.availability-zone': 'a' }, agent: { version: '1.2.3' } },
        {
          agentConnected: true,
          registeredAt: '2024-01-01T00:00:00Z',
          remainingResources: { cpu: 1024, memory: 1000, portsTcp: [22, 80], portsUdp: [53] },
        },
      ),
      [{ group: 'service:web' }],
    );
    expect(c).toEqual({
      name: 'node-1',
      status: 'ACTIVE',
      agentConnected: true,
      attributes: { 'ecs.availability-zone': 'a' },
      registeredAt: '2024-01-01T00:00:00Z',
      agentVersion: '1.2.3',
      remaining: { cpu: 1024, memory: 1000, portsTcp: [22, 80], portsUdp: [53] },
      tasks: [{ group: 'service:web' }],
    });
  });

  it('falls back to the registered resources before the first report', () => {
    const c = candidateFromInstance(instance({}), []);
    expect(c.remaining).toEqual({ cpu: 2048, memory: 4096, portsTcp: [22], portsUdp: [] });
    expect(c.agentConnected).toBe(false);
  });

  it('prefers remaining resources the caller computed', () => {
    const own = { cpu: 1, memory: 2, portsTcp: [], portsUdp: [] };
    expect(candidateFromInstance(instance({}, { remainingResources: { cpu: 9, memory: 9 } }), [], own).remaining).toBe(own);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined, boolean]>([
    ['ACTIVE and connected', {}, { agentConnected: true }, true],
    ['DRAINING', { status: 'DRAINING' }, { agentConnected: true }, false],
    ['disconnected', {}, { agentConnected: false }, false],
    ['never reported', {}, undefined, false],
  ])('eligible when %s: %s', (_name, spec, status, eligible) => {
    expect(isEligible(candidateFromInstance(instance(spec, status), []))).toBe(eligible);
  });
});
