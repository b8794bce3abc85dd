/**
 * An unbounded async channel: producers push items, one consumer reads them with `for await`.
 * The consumer end of every watch in berth (store watches, the shared feeds of shared-watches.ts).
 * Items pushed before an end are still delivered; `fail` then throws its error to the consumer;
 * `break` out of the loop cancels, as `cancel()` does. A consumer that stops reading should cancel.
 */
type Waiter<T> = { resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void };

export class Channel<T> {
  private readonly buffer: T[] = [];
  private waiter: Waiter<T> | undefined;
  private ended = false;
  private failure: Error | undefined;
  private settle: (e: Error | undefined) => void = () => undefined;
  /** Settles when the channel ends: with the error it failed with, or undefined. */
  readonly closed: Promise<Error | undefined>;

  /** `onCancel` releases the producer's resources; it runs once, on the first cancel. */
  constructor(private readonly onCancel: () => Promise<void> | void) {
    this.closed = new Promise((resolve) => (this.settle = resolve));
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ value: item, done: false });
    } else {
      this.buffer.push(item);
    }
  }

  /** End with an error; buffered items are still delivered first. */
  fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.finish();
  }

  /** End without an error (the producer is done); buffered items are still delivered first. */
  close(): void {
    if (!this.ended) this.finish();
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

  private next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
    if (this.ended) return this.failure ? Promise.reject(this.failure) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      // `break` out of a for-await loop cancels the channel.
      return: async () => {
        await this.cancel();
        return { value: undefined, done: true };
      },
    };
  }
}
