import { describe, expect, it } from 'vitest';
import { Listener } from '../../../api/v1/load-balancer.js';
import type { Desired } from './desired.js';
import { listenerShape, renderConfig } from './haproxy-config.js';
import { parseMap, renderWeightsMap, routeEntries, weightCommands, weightEntries } from './weights.js';

const paths = { adminSocket: '/run/a.sock', stateFile: '/run/state', weightsMap: '/run/w.map', routesMap: '/run/r.map' };
const options = { bindAddress: '127.0.0.1', hardStopAfterSeconds: 10 };
const withDefault = (action: Record<string, unknown>): Desired => ({
  frontends: [
    { name: 'lb_web_80', loadBalancer: 'web', generation: 1, groups: [], listener: Listener.parse({ port: 80, protocol: 'HTTP', defaultActions: [action] }) },
  ],
  backends: [],
  skipped: [],
});
const split = (blue: number, green: number): Desired =>
  withDefault({
    type: 'forward',
    forwardConfig: {
      targetGroups: [
        { targetGroupName: 'blue', weight: blue },
        { targetGroupName: 'green', weight: green },
      ],
    },
  });
const single = (group: string): Desired => withDefault({ type: 'forward', targetGroupName: group });
const keys = [0, 1, 2, 3, 4].map((i) => `lb_web_80.d.${i}`);

describe('weightEntries', () => {
  it.each([
    ['all on blue', 100, 0, [1000, 1000]],
    ['a canary of 10 %', 90, 10, [900, 1000]],
    ['half and half', 1, 1, [500, 1000]],
    ['all on green', 0, 100, [0, 1000]],
    ['no weight at all sends nothing anywhere', 0, 0, [0, 0]],
  ])('%s', (_, blue, green, thresholds) => {
    // Five slots always (ELB's most groups in a forward); the unused ones never take a request.
    expect([...weightEntries(split(blue, green))]).toEqual(keys.map((k, i) => [k, thresholds[i] ?? 0]));
    expect([...routeEntries(split(blue, green))]).toEqual(keys.map((k, i) => [k, i === 1 ? 'tg_green' : 'tg_blue']));
  });

  it('one target group is slot 0 with all the draws', () => {
    expect([...weightEntries(single('blue'))]).toEqual(keys.map((k, i) => [k, i === 0 ? 1000 : 0]));
    expect(routeEntries(single('blue')).get('lb_web_80.d.0')).toBe('tg_blue');
  });
});

describe('weights in the config', () => {
  it.each([
    ['a weight change', split(0, 100), split(90, 10)],
    ['the first shift, from one group to two', single('blue'), split(100, 0)],
    ['back from two groups to one', split(0, 100), single('green')],
    ['another group', single('blue'), single('green')],
  ])('%s keeps the listener shape, so it needs no reload', (_, a, b) => {
    expect(listenerShape(a, paths, options)).toBe(listenerShape(b, paths, options));
  });

  it('each group reads its threshold from the map and takes the draws below it', () => {
    const config = renderConfig(split(90, 10), paths, options);
    expect(config).toContain('  http-request set-var(txn.berth_w_d_0) str(lb_web_80.d.0),map_str_int(/run/w.map,0)');
    expect(config).toContain('  use_backend %[str(lb_web_80.d.0),map(/run/r.map)] if { var(txn.berth_rnd),sub(txn.berth_w_d_0) -m int lt 0 }');
    expect(config).toContain('  use_backend %[str(lb_web_80.d.4),map(/run/r.map)] if { var(txn.berth_rnd),sub(txn.berth_w_d_4) -m int lt 0 }');
    expect(config).not.toContain('tg_');
    expect(renderWeightsMap(weightEntries(split(90, 10)))).toBe('lb_web_80.d.0 900\nlb_web_80.d.1 1000\nlb_web_80.d.2 0\nlb_web_80.d.3 0\nlb_web_80.d.4 0\n');
    expect(renderWeightsMap(routeEntries(split(90, 10)))).toContain('lb_web_80.d.1 tg_green\n');
  });
});

describe('weightCommands', () => {
  it.each([
    ['nothing to do when the map has the values', new Map([['k', 500]]), new Map([['k', '500']]), []],
    ['a changed value is set', new Map([['k', 900]]), new Map([['k', '500']]), ['set map /run/w.map k 900']],
    ['a missing key is added', new Map([['k', 900]]), new Map<string, string>(), ['add map /run/w.map k 900']],
  ])('%s', (_, want, running, commands) => {
    expect(weightCommands('/run/w.map', want, running)).toEqual(commands);
  });

  it('parses `show map`', () => {
    expect(parseMap('0x55d1c0e0a0b0 lb_web_80.d.0 900\n0x55d1c0e0a0c0 lb_web_80.d.1 1000\n\n')).toEqual(
      new Map([
        ['lb_web_80.d.0', '900'],
        ['lb_web_80.d.1', '1000'],
      ]),
    );
  });
});
