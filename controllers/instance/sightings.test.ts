import { describe, expect, it } from 'vitest';
import { HeartbeatSightings, isDisruption, sight } from './sightings.js';
import { at, testInstance } from './testing.js';

describe('heartbeat sightings', () => {
  it.each([
    ['first look: seen now, whatever the heartbeat says', undefined, at(0), 9_000, 9_000],
    ['first look at an instance that never heartbeated', undefined, undefined, 9_000, 9_000],
    ['the same heartbeat again: still seen when it first was', { heartbeat: at(0), at: 1_000 }, at(0), 9_000, 1_000],
    ['a new heartbeat: seen now', { heartbeat: at(0), at: 1_000 }, at(5), 9_000, 9_000],
  ])('%s', (_, prev, heartbeat, now, want) => {
    expect(sight(prev, heartbeat, now).at).toBe(want);
  });

  it.each([
    // silent, watched, threshold, disruption
    [0, 0, 0.55, false],
    [1, 1, 0.55, true], // a lone silent instance: nothing to move its tasks to, and the likelier cause is ours
    [1, 2, 0.55, false],
    [2, 3, 0.55, true],
    [5, 10, 0.55, false],
    [6, 10, 0.55, true],
    [10, 10, 0.55, true],
    [10, 10, 1, false], // a threshold of 1 turns the hold off
  ])('%i silent of %i at threshold %d: disruption %s', (silent, watched, threshold, want) => {
    expect(isDisruption(silent, watched, threshold)).toBe(want);
  });

  it('holds a cluster whose instances went silent together, and gives the stragglers a fresh period when it ends', () => {
    const s = new HeartbeatSightings(2_000, 0.55);
    const beat = (name: string, ms: number) => testInstance(name, { heartbeat: ms });
    let fleet = [beat('a', 0), beat('b', 0), beat('c', 0)];
    for (const i of fleet) s.see(i, 0);
    expect(s.silence('default', fleet, 1_000)).toEqual({ disrupted: false, silent: 0, watched: 3 });
    expect(s.silence('default', fleet, 3_000)).toMatchObject({ disrupted: true, silent: 3, change: 'began' });
    // Two agents are seen again (new heartbeats): one of three silent is no longer a disruption.
    fleet = [beat('a', 3_500), beat('b', 3_500), beat('c', 0)];
    expect(s.silence('default', fleet, 4_000)).toMatchObject({ disrupted: false, silent: 1, change: 'ended' });
    // c gets a whole period from the end of the hold before it counts as silent again.
    expect(s.see(fleet[2] ?? beat('c', 0), 4_500)).toBe(4_000);
    expect(s.silence('default', fleet, 5_900)).toEqual({ disrupted: false, silent: 0, watched: 3 });
  });

  it('does not count instances already disconnected, nor other clusters', () => {
    const s = new HeartbeatSightings(2_000, 0.55);
    const dead = testInstance('dead', { heartbeat: 0, connected: false });
    const live = testInstance('live', { heartbeat: 0 });
    s.see(live, 0);
    expect(s.silence('default', [dead, live], 1_000)).toEqual({ disrupted: false, silent: 0, watched: 1 });
    expect(s.silence('other', [dead, live], 5_000)).toEqual({ disrupted: false, silent: 0, watched: 0 });
  });
});
