/**
 * Concurrent calls for one key share one run of the work (Go's singleflight): the tasks of a new
 * revision bound at once read its task definition once, and containers of one image pull it once.
 * Nothing is kept after the run settles, success or failure: the next call runs again.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running) return running;
    const run = work().finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }
}
