import { describe, expect, it } from 'vitest';
import { TargetGroupSpec } from '../../../api/v1/target-group.js';
import type { DesiredBackend } from './desired.js';
import { globRegex, statusRegex } from './haproxy-config.js';
import { healthOfServer, parseServersState, type ServerState } from './runtime-api.js';
import { passCommands, serverCommands } from './server-ops.js';

const spec = TargetGroupSpec.parse({ healthCheck: { intervalSeconds: 1, timeoutSeconds: 1, healthyThresholdCount: 2, unhealthyThresholdCount: 3 } });
const backend = (servers: DesiredBackend['servers']): DesiredBackend => ({ name: 'tg_web', group: 'web', spec, servers });
const running = (name: string, o: Partial<ServerState> = {}): ServerState => ({
  backend: 'tg_web',
  name,
  address: '127.0.0.1',
  port: 1,
  opState: 2,
  adminState: 0,
  checkResult: 3,
  ...o,
});
const want = (name: string, draining = false) => ({ name, address: '127.0.0.1', port: 1, draining });

describe('serverCommands', () => {
  it.each([
    [
      'a new target is added draining and forced down, then checked',
      [want('a')],
      [],
      [
        'add server tg_web/a 127.0.0.1:1 check inter 1s rise 2 fall 3',
        'enable health tg_web/a',
        'set server tg_web/a state drain',
        'set server tg_web/a health down',
      ],
    ],
    ['a warming target is made ready once up', [want('a')], [running('a', { adminState: 8, opState: 2 })], ['set server tg_web/a state ready']],
    ['a warming target still down waits', [want('a')], [running('a', { adminState: 8, opState: 0 })], []],
    ['a leaving target drains', [want('a', true)], [running('a')], ['set server tg_web/a state drain']],
    ['a drained target stays so', [want('a', true)], [running('a', { adminState: 8 })], []],
    ['a removed target is deleted', [], [running('a')], ['set server tg_web/a state maint', 'shutdown sessions server tg_web/a', 'del server tg_web/a']],
    [
      'a target on a new port is replaced',
      [{ ...want('a'), port: 2 }],
      [running('a')],
      [
        'set server tg_web/a state maint',
        'shutdown sessions server tg_web/a',
        'del server tg_web/a',
        'add server tg_web/a 127.0.0.1:2 check inter 1s rise 2 fall 3',
        'enable health tg_web/a',
        'set server tg_web/a state drain',
        'set server tg_web/a health down',
      ],
    ],
    ['a running ready target is left alone', [want('a')], [running('a')], []],
  ])('%s', (_name, servers, now, commands) => {
    const { arrive, leave } = serverCommands([backend(servers)], now);
    expect([...arrive, ...leave]).toEqual(commands);
  });
});

describe('passCommands: servers arrive, the weights move, servers leave', () => {
  const blue = (servers: DesiredBackend['servers']): DesiredBackend => ({ name: 'tg_blue', group: 'blue', spec, servers });
  const green = (servers: DesiredBackend['servers']): DesiredBackend => ({ name: 'tg_green', group: 'green', spec, servers });
  const onGreen = (name: string, o: Partial<ServerState> = {}) => running(name, { backend: 'tg_green', ...o });
  const onBlue = (name: string, o: Partial<ServerState> = {}) => running(name, { backend: 'tg_blue', ...o });
  const toBlue = ['set map /w lb_web_80.d.0 1000'];
  it.each([
    [
      'a rollback seen in one pass: green drains only after production moved back to blue',
      [blue([want('b')]), green([want('g', true)])],
      [onBlue('b'), onGreen('g')],
      ['set map /w lb_web_80.d.0 1000', 'set server tg_green/g state drain'],
    ],
    [
      'green removed in the pass that moves the weights: removed after them',
      [blue([want('b')]), green([])],
      [onBlue('b'), onGreen('g')],
      ['set map /w lb_web_80.d.0 1000', 'set server tg_green/g state maint', 'shutdown sessions server tg_green/g', 'del server tg_green/g'],
    ],
    [
      'blue made ready before the weights move to it',
      [blue([want('b')]), green([want('g', true)])],
      [onBlue('b', { adminState: 8 }), onGreen('g')],
      ['set server tg_blue/b state ready', 'set map /w lb_web_80.d.0 1000', 'set server tg_green/g state drain'],
    ],
  ])('%s', (_name, backends, now, commands) => {
    expect(passCommands(serverCommands(backends, now), toBlue)).toEqual(commands);
  });
});

describe('HAProxy text', () => {
  it.each([
    ['/api/*', "'^/api/.*$'"],
    ['*.example.com', "'^.*[.]example[.]com$'"],
    ['/a?c', "'^/a.c$'"],
    ["/it's", "'^/it\\x27s$'"],
  ])('glob %s becomes %s', (glob, regex) => expect(globRegex(glob)).toBe(regex));

  it.each([
    ['200', '^(200)$'],
    ['200,202', '^(200|202)$'],
    ['200-203', '^(200|201|202|203)$'],
  ])('matcher %s becomes %s', (code, regex) => expect(statusRegex(code)).toBe(regex));

  it('reads show servers state and what each row means', () => {
    const text = [
      '1',
      '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord',
      '2 tg_web 1 a 127.0.0.1 2 8 1 1 1 15 3 4 6 0 0 0 - 32768 -',
      '2 tg_web 2 b 127.0.0.1 0 0 1 1 1 17 2 0 6 0 0 0 - 32769 -',
      '2 tg_web 3 c 127.0.0.1 0 8 1 1 0 1 0 0 6 0 0 0 - 32770 -',
    ].join('\n');
    const rows = parseServersState(text);
    expect(rows.map((r) => [r.name, r.port, r.adminState, healthOfServer(r)])).toEqual([
      ['a', 32768, 8, 'healthy'],
      ['b', 32769, 0, 'unhealthy'],
      ['c', 32770, 8, 'initial'],
    ]);
  });
});
