import { describe, expect, it } from 'vitest';
import { ContainerIndex } from './container-index.js';
import type { RuntimeEvent } from './runtime/types.js';

describe('ContainerIndex', () => {
  it('keeps container ids by task, and forgets removed ones', () => {
    const index = new ContainerIndex();
    index.add('c1', 'a');
    index.add('c2', 'a');
    index.add('c3', 'b');
    index.add('c1', 'a'); // the create event after the agent's own create
    expect(index.ofTask('a').sort()).toEqual(['c1', 'c2']);
    index.remove('c1');
    index.remove('c1');
    expect(index.ofTask('a')).toEqual(['c2']);
    expect(index.ofTask('b')).toEqual(['c3']);
    expect(index.ofTask('none')).toEqual([]);
  });

  it('moves an id that turns up under another task', () => {
    const index = new ContainerIndex();
    index.add('c1', 'a');
    index.add('c1', 'b');
    expect(index.ofTask('a')).toEqual([]);
    expect(index.ofTask('b')).toEqual(['c1']);
  });

  it('takes a relist as the truth for everything known before it began', () => {
    const index = new ContainerIndex();
    index.add('gone', 'a');
    index.add('kept', 'a');
    const relist = index.beginRelist();
    index.finishRelist(relist, [
      { id: 'kept', task: 'a' },
      { id: 'found', task: 'b' },
    ]);
    expect(index.ofTask('a')).toEqual(['kept']);
    expect(index.ofTask('b')).toEqual(['found']);
  });

  it('keeps what changed while a relist was in flight over its older snapshot', () => {
    const index = new ContainerIndex();
    index.add('removed-during', 'a');
    const relist = index.beginRelist();
    index.add('created-during', 'a'); // the engine's list was taken before this create
    index.remove('removed-during'); // ...and before this remove
    index.finishRelist(relist, [{ id: 'removed-during', task: 'a' }]);
    expect(index.ofTask('a')).toEqual(['created-during']);
  });

  it('forgets removals once no relist is in flight, so a later relist can bring an id back', () => {
    const index = new ContainerIndex();
    index.beginRelist();
    index.remove('c1');
    index.abandonRelist(); // that list failed
    const second = index.beginRelist();
    index.finishRelist(second, [{ id: 'c1', task: 'a' }]);
    expect(index.ofTask('a')).toEqual(['c1']);
  });

  it('with two relists in flight, a removal between them outlives the first', () => {
    const index = new ContainerIndex();
    index.add('c1', 'a');
    const older = index.beginRelist();
    index.remove('c1');
    const newer = index.beginRelist();
    index.finishRelist(older, [{ id: 'c1', task: 'a' }]);
    expect(index.ofTask('a')).toEqual([]);
    // The newer list was asked for after the removal: if it still shows c1, c1 exists again.
    index.finishRelist(newer, [{ id: 'c1', task: 'a' }]);
    expect(index.ofTask('a')).toEqual(['c1']);
  });

  it('keeps an announced exit until an inspect confirms it or the container is removed, with an OOM kill announced before it', () => {
    const index = new ContainerIndex();
    index.add('c1', 'a');
    index.exited('c1', { exitCode: 143, at: 5 });
    expect(index.exitOf('c1')).toEqual({ exitCode: 143, at: 5, oomKilled: false });
    index.forgetExit('c1');
    expect(index.exitOf('c1')).toBeUndefined();
    index.outOfMemory('c1');
    index.exited('c1', { exitCode: 137, at: 9 });
    expect(index.exitOf('c1')).toEqual({ exitCode: 137, at: 9, oomKilled: true });
    index.remove('c1');
    expect(index.exitOf('c1')).toBeUndefined();
  });

  it('wakes whoever waits for an exit when it is announced, and at once if it already was', async () => {
    const index = new ContainerIndex();
    const woken: string[] = [];
    const a = index.whenExited('c1');
    void a.exited.then(() => woken.push('c1'));
    const b = index.whenExited('c2');
    void b.exited.then(() => woken.push('c2'));
    b.cancel();
    index.exited('c1', { exitCode: 0, at: 1 });
    index.exited('c2', { exitCode: 0, at: 1 });
    await Promise.resolve();
    await Promise.resolve();
    expect(woken).toEqual(['c1']); // c2's waiter was cancelled
    await index.whenExited('c1').exited; // already announced: resolves at once
  });

  it("learns from Docker's events: create adds, oom then die records an OOM exit, start forgets it, destroy removes", () => {
    const index = new ContainerIndex();
    const event = (type: RuntimeEvent['type'], extra: Partial<RuntimeEvent> = {}): RuntimeEvent => ({ type, id: 'c1', labels: {}, time: 7, ...extra });
    index.learn(event('create'), 'a');
    expect(index.ofTask('a')).toEqual(['c1']);
    index.learn(event('oom'), 'a');
    index.learn(event('die', { exitCode: 137 }), 'a');
    expect(index.exitOf('c1')).toEqual({ exitCode: 137, at: 7, oomKilled: true });
    index.learn(event('start'), 'a');
    expect(index.exitOf('c1')).toBeUndefined();
    index.learn(event('destroy'), 'a');
    expect(index.ofTask('a')).toEqual([]);
  });
});
