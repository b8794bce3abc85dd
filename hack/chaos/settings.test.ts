import { describe, expect, it } from 'vitest';
import { CHAOS_ENGINE } from './engine.js';
import { chaosSettings, ChaosSettingsError } from './settings.js';

describe('chaosSettings', () => {
  it.each([
    [{}, { etcdClient: 23800, etcdPeer: 23801, servers: [23820, 23821, 23822], front: 23823 }, CHAOS_ENGINE.root, CHAOS_ENGINE.bridge],
    [
      { CHAOS_PORT_BASE: '23850', CHAOS_ROOT: '/tmp/berth-chaos16', CHAOS_BRIDGE: 'br-bchaos16' },
      { etcdClient: 23850, etcdPeer: 23851, servers: [23870, 23871, 23872], front: 23873 },
      '/tmp/berth-chaos16',
      'br-bchaos16',
    ],
  ])('%o: ports, root and bridge', (env, ports, root, bridge) => {
    const s = chaosSettings(env);
    expect(s.ports).toEqual(ports);
    expect(s.engine.root).toBe(root);
    expect(s.engine.bridge).toBe(bridge);
  });

  it.each([
    [{ CHAOS_PORT_BASE: 'abc' }, /CHAOS_PORT_BASE: "abc"/],
    [{ CHAOS_PORT_BASE: '65530' }, /CHAOS_PORT_BASE: "65530"/],
    [{ CHAOS_PORT_BASE: '80' }, /CHAOS_PORT_BASE/],
    [{ CHAOS_ROOT: 'relative/dir' }, /CHAOS_ROOT: "relative\/dir" must be an absolute path/],
    [{ CHAOS_ROOT: '/' }, /CHAOS_ROOT/],
    [{ CHAOS_BRIDGE: 'a-bridge-name-far-too-long' }, /CHAOS_BRIDGE/],
  ])('%o is refused, naming the setting', (env, message) => {
    expect(() => chaosSettings(env)).toThrow(ChaosSettingsError);
    expect(() => chaosSettings(env)).toThrow(message);
  });
});
