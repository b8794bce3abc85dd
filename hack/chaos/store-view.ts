/**
 * The checker's own reading of the store: straight from etcd (not through berth's API or caches),
 * each value parsed by the kind's zod schema. A task's binding is followed on an etcd watch, so a
 * re-bind is seen even when it lasts less than a sampling interval.
 */
import { Etcd3, type IKeyValue, type Watcher } from 'etcd3';
import { kindPrefix, objectKey, sysKeys } from '../../api/keys.js';
import { ContainerInstance } from '../../api/v1/container-instance.js';
import { Service } from '../../api/v1/service.js';
import { Task } from '../../api/v1/task.js';
import { TaskDefinition } from '../../api/v1/task-definition.js';
import { z } from 'zod';

/** The name the controller manager elects under (controllers/kit/manager.ts). */
const MANAGER_ELECTION = 'controller-manager';
const LeaderRecord = z.object({ identity: z.string() });

export interface Stored<T> {
  object: T;
  modRevision: number;
}

export interface StoreSnapshot {
  tasks: Stored<Task>[];
  services: Stored<Service>[];
  taskDefinitions: Stored<TaskDefinition>[];
  instances: Stored<ContainerInstance>[];
}

export class StoreView {
  private readonly etcd: Etcd3;
  private watcher: Watcher | undefined;

  constructor(
    endpoint: string,
    private readonly cluster: string,
  ) {
    this.etcd = new Etcd3({ hosts: endpoint, dialTimeout: 2000 });
  }

  async snapshot(): Promise<StoreSnapshot> {
    const [tasks, services, taskDefinitions, instances] = await Promise.all([
      this.range(kindPrefix('Task', this.cluster), Task),
      this.range(kindPrefix('Service', this.cluster), Service),
      this.range(kindPrefix('TaskDefinition', this.cluster), TaskDefinition),
      this.range(kindPrefix('ContainerInstance', this.cluster), ContainerInstance),
    ]);
    return { tasks, services, taskDefinitions, instances };
  }

  async taskDefinition(name: string): Promise<TaskDefinition | undefined> {
    const value = await withTimeout(this.etcd.get(objectKey({ kind: 'TaskDefinition', cluster: this.cluster, name })).string());
    return value === null ? undefined : TaskDefinition.parse(JSON.parse(value));
  }

  /** The identity (host:pid) in the controller manager's leader key, when one leads. */
  async leaderIdentity(): Promise<string | undefined> {
    const value = await withTimeout(this.etcd.get(sysKeys.leader(MANAGER_ELECTION)).string());
    return value === null ? undefined : LeaderRecord.safeParse(JSON.parse(value)).data?.identity;
  }

  /** Calls `onTask` with every task value written from now on. */
  async watchTasks(onTask: (task: Task) => void): Promise<void> {
    this.watcher = await this.etcd.watch().prefix(kindPrefix('Task', this.cluster)).create();
    this.watcher.on('put', (kv: IKeyValue) => {
      const parsed = Task.safeParse(JSON.parse(kv.value.toString()));
      if (parsed.success) onTask(parsed.data);
    });
    this.watcher.on('error', () => undefined); // etcd3 reconnects the watch on its own after a restart
  }

  async close(): Promise<void> {
    await this.watcher?.cancel().catch(() => undefined);
    this.etcd.close();
  }

  private async range<S extends z.ZodType>(prefix: string, schema: S): Promise<Stored<z.infer<S>>[]> {
    const res = await withTimeout(this.etcd.getAll().prefix(prefix).exec());
    return res.kvs.map((kv) => ({ object: schema.parse(JSON.parse(kv.value.toString())), modRevision: Number(kv.mod_revision) }));
  }
}

/** A stopped etcd makes a read wait for its dial; the checker would rather skip a sample. */
function withTimeout<T>(promise: Promise<T>, ms = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`etcd did not answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}
