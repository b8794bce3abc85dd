import { describe, expect, it } from 'vitest';
import { Task } from '../../api/v1/task.js';
import { TaskView } from './task-view.js';

function task(name: string, resourceVersion: string, desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING') {
  return Task.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, cluster: 'c', uid: `${name}-uid`, resourceVersion },
    spec: { taskDefinition: 'web:1', containerInstance: 'i-1', desiredStatus },
  });
}

function viewOver(cached: Map<string, Task>) {
  return new TaskView({ get: (name) => cached.get(name) });
}

describe('TaskView', () => {
  it('serves the agent’s own write until the cache catches up with it', () => {
    const cached = new Map([['t', task('t', '5')]]);
    const view = viewOver(cached);
    view.observeWrite(task('t', '7'));
    expect(view.current('t')?.metadata.resourceVersion).toBe('7');
    cached.set('t', task('t', '8'));
    expect(view.current('t')?.metadata.resourceVersion).toBe('8');
  });

  it('recognises the watch’s echo of a version the worker observed itself, once', () => {
    const view = viewOver(new Map());
    view.observeWrite(task('t', '7'));
    expect(view.isEcho(task('t', '6'))).toBe(false); // an older change still in flight is news
    expect(view.isEcho(task('t', '7'))).toBe(true);
    expect(view.isEcho(task('t', '7'))).toBe(false); // consumed
  });

  it('a change made by someone else after the worker’s write is not an echo', () => {
    const view = viewOver(new Map());
    view.observeWrite(task('t', '7'));
    // The watch skipped ahead (a relist): the write is behind it, and the newer version is news.
    expect(view.isEcho(task('t', '9', 'STOPPED'))).toBe(false);
    expect(view.isEcho(task('t', '7'))).toBe(false);
  });

  it('keeps the newest observed version per task, and forgets a task that is gone', () => {
    const view = viewOver(new Map());
    view.observeWrite(task('a', '9'));
    view.observeWrite(task('a', '8')); // an older read does not replace the newer write
    view.observeWrite(task('b', '4'));
    expect(view.isEcho(task('a', '8'))).toBe(false);
    expect(view.isEcho(task('a', '9'))).toBe(true);
    view.forget('b');
    expect(view.isEcho(task('b', '4'))).toBe(false);
  });
});
