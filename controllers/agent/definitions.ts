/**
 * Task definitions the agent has loaded, by `family:revision`. A revision is immutable once
 * registered, so a loaded one is kept for good (bounded, oldest dropped first).
 */
import type { BerthClient } from '../../api/client/types.js';
import type { TaskDefinitionSpec } from '../../api/v1/task-definition.js';
import { TaskDefinitionMissingError } from './errors.js';
import { SingleFlight } from './single-flight.js';

const MAX_CACHED = 500;

export class TaskDefinitionCache {
  private readonly loaded = new Map<string, TaskDefinitionSpec>();
  /** Loads under way: the tasks of a new revision bound at once share one read. */
  private readonly loading = new SingleFlight<TaskDefinitionSpec>();

  constructor(
    private readonly client: Pick<BerthClient, 'get'>,
    private readonly cluster: string,
  ) {}

  /** The revision's spec; TaskDefinitionMissingError when it does not exist, client errors otherwise. */
  async load(ref: string): Promise<TaskDefinitionSpec> {
    const hit = this.loaded.get(ref);
    if (hit) return hit;
    return this.loading.run(ref, () => this.read(ref));
  }

  private async read(ref: string): Promise<TaskDefinitionSpec> {
    const td = await this.client.get('TaskDefinition', { cluster: this.cluster, name: ref });
    if (!td) throw new TaskDefinitionMissingError(this.cluster, ref);
    if (this.loaded.size >= MAX_CACHED) {
      const oldest = this.loaded.keys().next().value;
      if (oldest !== undefined) this.loaded.delete(oldest);
    }
    this.loaded.set(ref, td.spec);
    return td.spec;
  }
}
