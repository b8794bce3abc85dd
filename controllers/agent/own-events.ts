/**
 * Docker events the agent sets off itself: the `start` of a container it starts, the `die` of one
 * it stops. The worker that acted observes the container again right after (the plan/apply loop),
 * so the event brings nothing new, and reconciling the task for it would only list and inspect its
 * containers once more — on an engine busy with the very starts and stops of a rollout.
 *
 * An expectation is registered before the call (Docker may send the event before the call returns)
 * and dropped if the call fails; one that is never met (stopping a container that had already
 * exited sends no `die`) expires, so a later event of that container is never swallowed for long.
 */
export type OwnEventType = 'start' | 'die';

const DEFAULT_TTL_MS = 60_000;

export class OwnEngineEvents {
  /** `type/id` → when the expectation lapses; insertion order is expiry order. */
  private readonly expected = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  /** Runs `call` (which sets off `type` for container `id`) expecting the event; a failed call expects nothing. */
  async around<T>(type: OwnEventType, id: string, call: () => Promise<T>): Promise<T> {
    this.expect(type, id);
    try {
      return await call();
    } catch (err) {
      this.expected.delete(`${type}/${id}`);
      throw err;
    }
  }

  expect(type: OwnEventType, id: string): void {
    const now = this.now();
    for (const [key, until] of this.expected) {
      if (until > now) break;
      this.expected.delete(key);
    }
    const key = `${type}/${id}`;
    this.expected.delete(key); // re-inserted last, in expiry order
    this.expected.set(key, now + this.ttlMs);
  }

  /** True, once, for an event the agent set off itself (and has observed since, or will). */
  consume(type: string, id: string): boolean {
    const key = `${type}/${id}`;
    const until = this.expected.get(key);
    if (until === undefined) return false;
    this.expected.delete(key);
    return until > this.now();
  }
}
