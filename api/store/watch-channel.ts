/**
 * The consumer side of a watch, shared by both backends: producers push batches, the consumer
 * iterates them with `for await`. Batches are buffered without bound, as etcd's own client does;
 * a consumer that stops reading should cancel.
 */
import type { Watch, WatchBatch } from './types.js';

type Waiter = { resolve: (r: IteratorResult<WatchBatch>) => void; reject: (e: Error) => void };

export class WatchChannel implements Watch {
  private readonly buffer: WatchBatch[] = [];
  private waiter: Waiter | undefined;
  private ended = false;
  private failure: Error | undefined;
  private settle: (e: Error | undefined) => void = () => undefined;
  readonly closed: Promise<Error | undefined>;

  /** `onCancel` releases the producer's resources; it runs once, on the first cancel. */
  constructor(private readonly onCancel: () => Promise<void> | void) {
    this.closed = new Promise((resolve) => (this.settle = resolve));
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  push(batch: WatchBatch): void {
    if (this.ended || batch.events.length === 0) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ value: batch, done: false });
    } else {
      this.buffer.push(batch);
    }
  }

  /** End the watch with an error; buffered batches are still delivered first. */
  fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.finish();
  }

  async cancel(): Promise<void> {
    if (this.ended) return;
    this.finish();
    await this.onCancel();
  }

  private finish(): void {
    this.ended = true;
    this.settle(this.failure);
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      if (this.failure) waiter.reject(this.failure);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  private next(): Promise<IteratorResult<WatchBatch>> {
    const batch = this.buffer.shift();
    if (batch) return Promise.resolve({ value: batch, done: false });
    if (this.ended) return this.failure ? Promise.reject(this.failure) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
    return {
      next: () => this.next(),
      // `break` out of a for-await loop cancels the watch.
      return: async () => {
        await this.cancel();
        return { value: undefined, done: true };
      },
    };
  }
}
