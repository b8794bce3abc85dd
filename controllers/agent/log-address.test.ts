import { describe, expect, it } from 'vitest';
import { advertisedLogsAddress, parseAdvertiseAddress, parseLogsListen } from './log-address.js';

const iface = (address: string, internal = false) => ({
  address,
  netmask: '255.255.0.0',
  family: 'IPv4' as const,
  mac: '00:00:00:00:00:00',
  internal,
  cidr: null,
});
const interfaces = { lo: [iface('127.0.0.1', true)], docker0: [iface('172.17.0.1')], eth0: [iface('10.0.0.5')] };

describe('parseLogsListen', () => {
  it.each([
    ['0.0.0.0:51678', { host: '0.0.0.0', port: 51678 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    [':51678', { host: '0.0.0.0', port: 51678 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
  ])('%s', (text, want) => expect(parseLogsListen(text)).toEqual(want));
  it.each(['51678', 'host', 'h:99999', ''])('"%s" is refused with an example', (text) =>
    expect(() => parseLogsListen(text)).toThrow(/HOST:PORT.*0\.0\.0\.0:51678/),
  );
});

describe('advertisedLogsAddress', () => {
  it.each([
    ['a URL is used as given', { host: '0.0.0.0', port: 51678 }, 'https://agent.example:8443/', 'https://agent.example:8443'],
    ['a host gets the bound port', { host: '0.0.0.0', port: 40000 }, '10.1.2.3', 'http://10.1.2.3:40000'],
    ['an IPv6 host is bracketed', { host: '::', port: 51678 }, 'fd00::5', 'http://[fd00::5]:51678'],
    ['an IPv4 host with its port keeps that port (not bracketed as if IPv6)', { host: '0.0.0.0', port: 51691 }, '127.0.0.1:51691', 'http://127.0.0.1:51691'],
    ['a host with another port than the bound one (a NAT in between)', { host: '0.0.0.0', port: 51678 }, '10.1.2.3:8080', 'http://10.1.2.3:8080'],
    ['a name with a port', { host: '0.0.0.0', port: 51678 }, 'agent-7.example:9000', 'http://agent-7.example:9000'],
    ['a bracketed IPv6 host with a port', { host: '::', port: 51678 }, '[fd00::5]:9000', 'http://[fd00::5]:9000'],
    ['a bracketed IPv6 host alone gets the bound port', { host: '::', port: 51678 }, '[fd00::5]', 'http://[fd00::5]:51678'],
    ['a specific bound host is itself', { host: '127.0.0.1', port: 41234 }, undefined, 'http://127.0.0.1:41234'],
    ['every interface: the first non-virtual IPv4 (not docker0)', { host: '0.0.0.0', port: 51678 }, undefined, 'http://10.0.0.5:51678'],
  ])('%s', (_what, bound, advertise, want) => expect(advertisedLogsAddress(bound, advertise, interfaces)).toBe(want));

  it.each(['127.0.0.1:99999', '127.0.0.1:0', 'host:port', '[not-v6]:80', 'a b', '10.0.0.5:80/x', ''])('refuses "%s" with an example', (text) => {
    expect(() => advertisedLogsAddress({ host: '0.0.0.0', port: 1 }, text, interfaces)).toThrow(/advertise address.*e\.g\. http:\/\//);
    expect(() => parseAdvertiseAddress(text)).toThrow(/HOST:PORT/);
  });

  it.each([
    ['a host', '10.1.2.3', 'https://10.1.2.3:51678'],
    ['an https URL', 'https://agent.example:8443', 'https://agent.example:8443'],
  ])('a log server that serves https advertises https (%s)', (_what, advertise, want) => {
    expect(advertisedLogsAddress({ host: '0.0.0.0', port: 51678 }, advertise, interfaces, 'https')).toBe(want);
    expect(advertisedLogsAddress({ host: '0.0.0.0', port: 51678 }, undefined, interfaces, 'https')).toBe('https://10.0.0.5:51678');
  });

  it('refuses an http URL for a log server that serves https', () => {
    expect(() => advertisedLogsAddress({ host: '0.0.0.0', port: 1 }, 'http://10.1.2.3:1', interfaces, 'https')).toThrow(
      /is not https, but the log server serves https/,
    );
  });

  it('falls back to loopback on a machine with no other interface', () => {
    expect(advertisedLogsAddress({ host: '0.0.0.0', port: 1 }, undefined, { lo: [iface('127.0.0.1', true)] })).toBe('http://127.0.0.1:1');
  });
});
