import { describe, expect, it } from 'vitest';
import { TaskDefinitionSpec, TaskOverrides } from '../../../api/v1/index.js';
import { taskDemand } from './demand.js';

type Raw = Record<string, unknown>;
const container = (name: string, extra: Raw = {}): Raw => ({ name, image: 'berth.local/busybox:1', ...extra });
const spec = (raw: Raw) => TaskDefinitionSpec.parse(raw);

describe('taskDemand: cpu and memory', () => {
  it.each<[string, Raw, Raw | undefined, number, number]>([
    ['task-level values win', { cpu: '1 vCPU', memory: '0.5 GB', containerDefinitions: [container('a', { cpu: 10, memory: 64 })] }, undefined, 1024, 512],
    [
      'containers are summed',
      { containerDefinitions: [container('a', { cpu: 100, memory: 64 }), container('b', { cpu: 28, memory: 32 })] },
      undefined,
      128,
      96,
    ],
    ['absent container cpu counts as 0', { containerDefinitions: [container('a', { memory: 64 })] }, undefined, 0, 64],
    ['cpu 0 is allowed', { containerDefinitions: [container('a', { cpu: 0, memory: 64 })] }, undefined, 0, 64],
    ['memoryReservation is reserved when given', { containerDefinitions: [container('a', { memory: 300, memoryReservation: 128 })] }, undefined, 0, 128],
    ['memoryReservation alone', { containerDefinitions: [container('a', { memoryReservation: 128 })] }, undefined, 0, 128],
    [
      'mixed containers',
      { containerDefinitions: [container('a', { memory: 1024, memoryReservation: 512 }), container('b', { memory: 512 })] },
      undefined,
      0,
      1024,
    ],
    ['task memory only, containers unsized', { memory: 256, containerDefinitions: [container('a'), container('b')] }, undefined, 0, 256],
    ['task cpu only', { cpu: 256, containerDefinitions: [container('a', { cpu: 10, memory: 64 })] }, undefined, 256, 64],
    ['task overrides win', { cpu: 256, memory: 512, containerDefinitions: [container('a', { memory: 64 })] }, { cpu: '2 vCPU', memory: 1024 }, 2048, 1024],
    [
      'container override replaces one field',
      { containerDefinitions: [container('a', { cpu: 10, memory: 300, memoryReservation: 128 }), container('b', { cpu: 5, memory: 64 })] },
      { containerOverrides: [{ name: 'a', memoryReservation: 200 }] },
      15,
      264,
    ],
    [
      'container override of cpu and memory',
      { containerDefinitions: [container('a', { cpu: 10, memory: 64 })] },
      { containerOverrides: [{ name: 'a', cpu: 512, memory: 128 }] },
      512,
      128,
    ],
    [
      'override of an unknown container is ignored',
      { containerDefinitions: [container('a', { cpu: 10, memory: 64 })] },
      { containerOverrides: [{ name: 'zz', cpu: 999 }] },
      10,
      64,
    ],
  ])('%s', (_name, raw, overrides, cpu, memory) => {
    const demand = taskDemand(spec(raw), overrides ? TaskOverrides.parse(overrides) : undefined);
    expect({ cpu: demand.cpu, memory: demand.memory }).toEqual({ cpu, memory });
  });
});

describe('taskDemand: ports', () => {
  it.each<[string, Raw, number[], number[], number]>([
    [
      'bridge: fixed and dynamic',
      {
        containerDefinitions: [
          container('a', { memory: 64, portMappings: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }, { containerPort: 82, hostPort: 0 }] }),
        ],
      },
      [8080],
      [],
      2,
    ],
    [
      'bridge: udp separately',
      {
        containerDefinitions: [
          container('a', {
            memory: 64,
            portMappings: [
              { containerPort: 53, hostPort: 53, protocol: 'udp' },
              { containerPort: 53, hostPort: 53 },
            ],
          }),
        ],
      },
      [53],
      [53],
      0,
    ],
    [
      'host: the container port is the host port',
      {
        networkMode: 'host',
        containerDefinitions: [
          container('a', { memory: 64, portMappings: [{ containerPort: 9000 }, { containerPort: 9001, hostPort: 9001, protocol: 'udp' }] }),
        ],
      },
      [9000],
      [9001],
      0,
    ],
    [
      'awsvpc: none, hostPort written or not (its ports are on the task’s own address)',
      {
        networkMode: 'awsvpc',
        containerDefinitions: [container('a', { memory: 64, portMappings: [{ containerPort: 443 }, { containerPort: 22, hostPort: 22 }] })],
      },
      [],
      [],
      0,
    ],
    [
      'several containers, sorted',
      {
        containerDefinitions: [
          container('a', { memory: 64, portMappings: [{ containerPort: 1, hostPort: 9090 }] }),
          container('b', { memory: 64, portMappings: [{ containerPort: 1, hostPort: 8080 }] }),
        ],
      },
      [8080, 9090],
      [],
      0,
    ],
    ['none: nothing', { networkMode: 'none', containerDefinitions: [container('a', { memory: 64 })] }, [], [], 0],
  ])('%s', (_name, raw, tcp, udp, dynamicPorts) => {
    const demand = taskDemand(spec(raw));
    expect(demand.staticPorts).toEqual({ tcp, udp });
    expect(demand.dynamicPorts).toBe(dynamicPorts);
  });
});
