import { describe, expect, it } from 'vitest';
import { onAbort } from './on-abort.js';

describe('onAbort', () => {
  it('runs the listener once, when the signal aborts', () => {
    const controller = new AbortController();
    let calls = 0;
    onAbort(controller.signal, () => calls++);
    expect(calls).toBe(0);
    controller.abort();
    controller.abort();
    expect(calls).toBe(1);
  });

  it('runs the listener at once when the signal has already aborted', () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    onAbort(controller.signal, () => calls++);
    expect(calls).toBe(1);
  });

  it('removes the listener: an abort after that runs nothing', () => {
    const controller = new AbortController();
    let calls = 0;
    const remove = onAbort(controller.signal, () => calls++);
    remove();
    controller.abort();
    expect(calls).toBe(0);
  });
});
