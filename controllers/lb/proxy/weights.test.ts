import { describe, expect, it } from 'vitest';
import { Listener } from '../../../api/v1/load-balancer.js';
import type { Desired } from './desired.js';
import { listenerShape, renderConfig } from './haproxy-config.js';
import { parseMap, renderWeightsMap, weightCommands, weightEntries } from './weights.js';

const paths = { adminSocket: '/run/a.sock', stateFile: '/run/state', weightsMap: '/run/w.map' };
const options = { bindAddress: '127.0.0.1', hardStopAfterSeconds: 10 };
const split = (blue: number, green: number): Desired => ({
  frontends: [
    {
      name: 'lb_web_80',
      loadBalancer: 'web',
      listener: Listener.parse({
        port: 80,
        protocol: 'HTTP',
        defaultActions: [
          {
            type: 'forward',
            forwardConfig: {
              targetGroups: [
                { targetGroupName: 'blue', weight: blue },
                { targetGroupName: 'green', weight: green },
              ],
            },
          },
        ],
      }),
    },
  ],
  backends: [],
  skipped: [],
});

describe('weightEntries', () => {
  it.each([
    ['all on blue', 100, 0, [1000, 1000]],
    ['a canary of 10 %', 90, 10, [900, 1000]],
    ['half and half', 1, 1, [500, 1000]],
    ['all on green', 0, 100, [0, 1000]],
    ['no weight at all sends nothing anywhere', 0, 0, [0, 0]],
  ])('%s', (_, blue, green, thresholds) => {
    expect([...weightEntries(split(blue, green))]).toEqual([
      ['lb_web_80.d.0', thresholds[0]],
      ['lb_web_80.d.1', thresholds[1]],
    ]);
  });
});

describe('weights in the config', () => {
  it('a weight change keeps the listener shape, so it needs no reload', () => {
    expect(listenerShape(split(0, 100), paths, options)).toBe(listenerShape(split(90, 10), paths, options));
  });

  it('each group reads its threshold from the map and takes the draws below it', () => {
    const config = renderConfig(split(90, 10), paths, options);
    expect(config).toContain('  http-request set-var(txn.berth_w_d_0) str(lb_web_80.d.0),map_str_int(/run/w.map,0)');
    expect(config).toContain('  use_backend tg_blue if { var(txn.berth_rnd),sub(txn.berth_w_d_0) -m int lt 0 }');
    expect(config).toContain('  use_backend tg_green if { var(txn.berth_rnd),sub(txn.berth_w_d_1) -m int lt 0 }');
    expect(renderWeightsMap(weightEntries(split(90, 10)))).toBe('lb_web_80.d.0 900\nlb_web_80.d.1 1000\n');
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
