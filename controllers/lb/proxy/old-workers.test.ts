import { describe, expect, it } from 'vitest';
import { Listener } from '../../../api/v1/load-balancer.js';
import type { Desired } from './desired.js';
import { canRoute, KEEP_ALIVE_SECONDS, mayStillRoute, parseOldWorkers } from './old-workers.js';
import { ADMIN, type ServerState } from './runtime-api.js';
import { backendsTakingShare } from './weights.js';

const forward = (weights: Record<string, number>): Desired => ({
  frontends: [
    {
      name: 'lb_web_80',
      loadBalancer: 'web',
      generation: 1,
      groups: Object.keys(weights),
      listener: Listener.parse({
        port: 80,
        protocol: 'HTTP',
        defaultActions: [
          { type: 'forward', forwardConfig: { targetGroups: Object.entries(weights).map(([targetGroupName, weight]) => ({ targetGroupName, weight })) } },
        ],
      }),
    },
  ],
  backends: [],
  skipped: [],
});
const server = (backend: string, o: Partial<ServerState> = {}): ServerState => ({
  backend,
  name: `${backend}-0`,
  address: '127.0.0.1',
  port: 8080,
  opState: 2,
  adminState: 0,
  checkResult: 3,
  ...o,
});

describe('backendsTakingShare', () => {
  it.each([
    ['all on blue', { blue: 1, green: 0 }, ['tg_blue']],
    ['a canary', { blue: 90, green: 10 }, ['tg_blue', 'tg_green']],
    ['all on green (blue listed first)', { blue: 0, green: 1 }, ['tg_green']],
    ['no weight anywhere', { blue: 0, green: 0 }, []],
  ])('%s', (_, weights, backends) => {
    expect([...backendsTakingShare(forward(weights))].sort()).toEqual(backends);
  });
});

describe('canRoute: an old worker (frozen servers) may take a map change', () => {
  it.each([
    ['the share goes to a backend with a server up', { blue: 1, green: 0 }, [server('tg_blue')], true],
    ['a share goes to a backend it has no server in', { blue: 90, green: 10 }, [server('tg_blue')], false],
    ['the only server there is down', { blue: 0, green: 1 }, [server('tg_green', { opState: 0, checkResult: 2 })], false],
    ['the only server there drains', { blue: 0, green: 1 }, [server('tg_green', { adminState: ADMIN.forcedDrain })], false],
    ['the only server there is in maintenance', { blue: 0, green: 1 }, [server('tg_green', { adminState: ADMIN.forcedMaint })], false],
    ['a backend without a share needs no server', { blue: 0, green: 1 }, [server('tg_green')], true],
  ])('%s', (_, weights, running, can) => {
    expect(canRoute(forward(weights), running)).toBe(can);
  });
});

describe('old workers', () => {
  it('parseOldWorkers reads the pids under "# old workers" of the master\'s show proc', () => {
    const showProc = [
      '#<PID>          <type>          <reloads>       <uptime>        <version>',
      '13979           master          2 [failed: 0]   0d00h00m20s     2.6.12',
      '# workers',
      '18098           worker          0               0d00h00m05s     2.6.12',
      '# old workers',
      '17001           worker          1               0d00h00m12s     2.6.12',
      '16002           worker          2               0d00h00m19s     2.6.12',
      '# programs',
      '',
    ].join('\n');
    expect(parseOldWorkers(showProc)).toEqual(['17001', '16002']);
    expect(parseOldWorkers(showProc.replace(/# old workers[\s\S]*# programs/, '# programs'))).toEqual([]);
  });

  it('an old worker may route a request until its idle connections have timed out', () => {
    expect(mayStillRoute(0, KEEP_ALIVE_SECONDS * 1_000 - 1)).toBe(true);
    expect(mayStillRoute(0, KEEP_ALIVE_SECONDS * 1_000)).toBe(false);
  });
});
