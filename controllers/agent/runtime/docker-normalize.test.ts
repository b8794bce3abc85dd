import { describe, expect, it } from 'vitest';
import { toInspection, toRuntimeEvent, hostPorts } from './docker-normalize.js';
import { DockerEvent, DockerInspect, parseDocker } from './docker-schemas.js';
import { DockerProtocolError } from './errors.js';
import { DockerLogDemuxer, dockerLogFrame } from './log-demux.js';

const event = (Action: string, Attributes: Record<string, string>, Type = 'container') =>
  // timeNano as Docker sends it: a JSON number past 2^53, rounded when parsed, as it is on the wire.
  // eslint-disable-next-line no-loss-of-precision
  parseDocker(DockerEvent, 'event', { Type, Action, Actor: { ID: 'c1', Attributes }, time: 1700000000, timeNano: 1700000000123456789 });

describe('toRuntimeEvent', () => {
  it.each<[string, ReturnType<typeof event>, unknown]>([
    ['start', event('start', { name: 'b', image: 'i', 'berth.task': 't' }), { type: 'start', id: 'c1', name: 'b', labels: { 'berth.task': 't' } }],
    ['die with its exit code', event('die', { name: 'b', exitCode: '137', 'berth.task': 't' }), { type: 'die', exitCode: 137, labels: { 'berth.task': 't' } }],
    ['health_status: healthy', event('health_status: healthy', { 'berth.task': 't' }), { type: 'health_status', health: 'healthy' }],
    ['health_status: unhealthy', event('health_status: unhealthy', {}), { type: 'health_status', health: 'unhealthy' }],
    ['oom', event('oom', {}), { type: 'oom' }],
    ['destroy', event('destroy', {}), { type: 'destroy' }],
    ['create', event('create', {}), { type: 'create' }],
  ])('%s', (_name, e, expected) => {
    expect(toRuntimeEvent(e)).toMatchObject(expected as object);
  });

  it('takes the time from timeNano, in milliseconds', () => {
    expect(toRuntimeEvent(event('start', {}))?.time).toBe(1700000000123);
  });

  it.each([
    ['exec_start: sh', 'container'],
    ['rename', 'container'],
    ['start', 'network'],
    ['health_status: bogus', 'container'],
  ])('ignores %s on a %s', (action, type) => {
    expect(toRuntimeEvent(event(action, {}, type))).toBeUndefined();
  });
});

const inspectJson = (over: Record<string, unknown> = {}) => ({
  Id: 'abc',
  Name: '/berth-x',
  Config: { Image: 'img', Labels: { a: 'b' }, Tty: false },
  State: { Status: 'exited', ExitCode: 3, OOMKilled: false, Error: '', StartedAt: '2024-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z' },
  NetworkSettings: { Ports: null },
  ...over,
});

describe('toInspection', () => {
  it('normalizes name, state, exit code, health and times', () => {
    expect(toInspection(parseDocker(DockerInspect, 'inspect', inspectJson()))).toEqual({
      id: 'abc',
      name: 'berth-x',
      image: 'img',
      labels: { a: 'b' },
      state: 'exited',
      exitCode: 3,
      health: 'none',
      oomKilled: false,
      startedAt: '2024-01-01T00:00:00Z',
      hostPorts: [],
    });
  });

  it('reads health and Docker’s error', () => {
    const d = inspectJson({ State: { Status: 'running', ExitCode: 0, Error: 'boom', StartedAt: '', FinishedAt: '', Health: { Status: 'starting' } } });
    expect(toInspection(parseDocker(DockerInspect, 'inspect', d))).toMatchObject({ health: 'starting', error: 'boom', state: 'running' });
  });

  it('refuses JSON without the fields berth needs, saying what is missing', () => {
    expect(() => parseDocker(DockerInspect, 'container inspect', { Id: 'x' })).toThrow(DockerProtocolError);
  });
});

describe('hostPorts', () => {
  it.each<[string, Parameters<typeof hostPorts>[0], unknown]>([
    ['none', null, []],
    ['unpublished ports', { '80/tcp': null }, []],
    [
      'one per address, sorted',
      {
        '8080/tcp': [
          { HostIp: '::', HostPort: '49200' },
          { HostIp: '0.0.0.0', HostPort: '49200' },
        ],
        '53/udp': [{ HostIp: '', HostPort: '5353' }],
      },
      [
        { containerPort: 53, hostPort: 5353, protocol: 'udp', bindIP: '0.0.0.0' },
        { containerPort: 8080, hostPort: 49200, protocol: 'tcp', bindIP: '0.0.0.0' },
        { containerPort: 8080, hostPort: 49200, protocol: 'tcp', bindIP: '::' },
      ],
    ],
    ['sctp is skipped', { '9/sctp': [{ HostIp: '', HostPort: '9' }] }, []],
  ])('%s', (_name, ports, expected) => {
    expect(hostPorts(ports)).toEqual(expected);
  });
});

describe('DockerLogDemuxer', () => {
  async function demux(chunks: Buffer[]): Promise<string> {
    const d = new DockerLogDemuxer();
    const out: Buffer[] = [];
    d.on('data', (b: Buffer) => out.push(b));
    const ended = new Promise((r) => d.on('end', r));
    for (const c of chunks) d.write(c);
    d.end();
    await ended;
    return Buffer.concat(out).toString();
  }
  const frames = Buffer.concat([dockerLogFrame('stdout', 'hello\n'), dockerLogFrame('stderr', 'oops\n'), dockerLogFrame('stdout', 'bye\n')]);

  it.each([
    ['in one chunk', [frames]],
    ['byte by byte', [...frames].map((b) => Buffer.from([b]))],
    ['split inside a header', [frames.subarray(0, 3), frames.subarray(3)]],
    ['split inside a payload', [frames.subarray(0, 11), frames.subarray(11)]],
  ])('strips headers %s', async (_name, chunks) => {
    expect(await demux(chunks)).toBe('hello\noops\nbye\n');
  });
});
