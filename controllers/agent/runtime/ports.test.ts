import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { HostPortsExhaustedError } from './errors.js';
import { canBind, HostPortAllocator, type Protocol } from './ports.js';

const none = async () => [];
const allFree = async () => true;

describe('HostPortAllocator', () => {
  it('defaults to ECS’s ephemeral range', async () => {
    const a = new HostPortAllocator({ publishedPorts: none, isFree: allFree });
    expect(await a.allocate()).toBe(49153);
  });

  it('never hands out a port twice until it is released, then reuses it last (round-robin)', async () => {
    const a = new HostPortAllocator({ range: { min: 100, max: 102 }, publishedPorts: none, isFree: allFree });
    expect([await a.allocate(), await a.allocate(), await a.allocate()]).toEqual([100, 101, 102]);
    await expect(a.allocate()).rejects.toBeInstanceOf(HostPortsExhaustedError);
    a.release(101);
    expect(await a.allocate()).toBe(101);
  });

  it('walks on from where it stopped rather than restarting at the bottom', async () => {
    const a = new HostPortAllocator({ range: { min: 100, max: 105 }, publishedPorts: none, isFree: allFree });
    const first = await a.allocate();
    a.release(first);
    expect(await a.allocate()).toBe(101);
  });

  it.each<[string, Partial<ConstructorParameters<typeof HostPortAllocator>[0]>, number]>([
    ['ports published by containers', { publishedPorts: async () => [{ hostPort: 100, protocol: 'tcp' }] }, 101],
    ['a published udp port does not block tcp', { publishedPorts: async () => [{ hostPort: 100, protocol: 'udp' }] }, 100],
    ['ports bound on the host', { isFree: async (p: number) => p !== 100 }, 101],
    ['reserved ports', { reserved: [100, 101] }, 102],
  ])('skips %s', async (_name, options, expected) => {
    const a = new HostPortAllocator({ range: { min: 100, max: 110 }, publishedPorts: none, isFree: allFree, ...options });
    expect(await a.allocate('tcp')).toBe(expected);
  });

  it('keeps tcp and udp apart', async () => {
    const a = new HostPortAllocator({ range: { min: 100, max: 100 }, publishedPorts: none, isFree: allFree });
    expect([await a.allocate('tcp'), await a.allocate('udp')]).toEqual([100, 100]);
  });

  it('concurrent allocations get different ports', async () => {
    const slow = (p: number) => new Promise<boolean>((r) => setImmediate(() => r(p >= 0)));
    const a = new HostPortAllocator({ range: { min: 100, max: 104 }, publishedPorts: none, isFree: slow });
    const ports = await Promise.all([a.allocate(), a.allocate(), a.allocate()]);
    expect(new Set(ports).size).toBe(3);
  });

  it('claim marks a port found in use after a restart', async () => {
    const a = new HostPortAllocator({ range: { min: 100, max: 101 }, publishedPorts: none, isFree: allFree });
    expect(a.claim(100)).toBe(true);
    expect(a.claim(100)).toBe(false);
    expect(await a.allocate()).toBe(101);
  });

  it.each([[{ min: 0, max: 10 }], [{ min: 10, max: 9 }], [{ min: 1, max: 70000 }]])('refuses the range %o', (range) => {
    expect(() => new HostPortAllocator({ range, publishedPorts: none })).toThrow(RangeError);
  });
});

describe('canBind (real sockets)', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  async function occupied(protocol: Protocol): Promise<number> {
    if (protocol === 'udp') {
      const s = createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, '0.0.0.0', () => r()));
      closers.push(() => s.close());
      return s.address().port;
    }
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => server.close());
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it.each<Protocol>(['tcp', 'udp'])('sees a %s port bound by another socket as not free', async (protocol) => {
    expect(await canBind(await occupied(protocol), protocol)).toBe(false);
  });

  it('lets the allocator skip a port bound on the host', async () => {
    const port = await occupied('tcp');
    const a = new HostPortAllocator({ range: { min: port, max: port + 1 }, publishedPorts: none });
    const got = await a.allocate('tcp');
    expect(got).not.toBe(port);
    expect(await canBind(got, 'tcp')).toBe(true); // and it let go of the port it tested
  });
});
