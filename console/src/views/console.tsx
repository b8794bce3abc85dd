/**
 * The signed-in page: a cluster's instances, services and tasks, each a live list (list + watch),
 * and the logs of one task. Marks `berth-console-first-render` (performance.mark) once all three
 * lists have loaded and rendered: the render benchmark (hack/bench-console.ts) reads it.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { resourcePath } from '../../../api/paths.js';
import { reportedTasks } from '../../../api/utilization-summary.js';
import { session } from '../session.js';
import type { Cluster, ContainerInstance, Service, Task } from '../types.js';
import { useCollection } from '../use-collection.js';
import { Instances } from './instances.js';
import { Services } from './services.js';
import { Tasks } from './tasks.js';
import { Logs } from './logs.js';
import { Notice, type Note } from './notice.js';

const DEFAULT_CLUSTER = 'default';
export const FIRST_RENDER_MARK = 'berth-console-first-render';

export interface ActionProps {
  cluster: string;
  /** Runs an action and reports how it went. */
  act: (what: string, action: () => Promise<unknown>) => Promise<void>;
}

export function Console() {
  const clusters = useCollection<Cluster>(resourcePath({ kind: 'Cluster' }));
  const [chosen, setChosen] = useState<string | undefined>();
  const names = clusters.items.map((c) => c.metadata.name).sort();
  const cluster = chosen ?? (names.includes(DEFAULT_CLUSTER) || names.length === 0 ? DEFAULT_CLUSTER : names[0]) ?? DEFAULT_CLUSTER;
  const instances = useCollection<ContainerInstance>(resourcePath({ kind: 'ContainerInstance', cluster }));
  const services = useCollection<Service>(resourcePath({ kind: 'Service', cluster }));
  const tasks = useCollection<Task>(resourcePath({ kind: 'Task', cluster }));
  const [logsOf, setLogsOf] = useState<string | undefined>();
  const [note, setNote] = useState<Note | undefined>();

  const ready = instances.loaded && services.loaded && tasks.loaded;
  useEffect(() => {
    if (ready && performance.getEntriesByName(FIRST_RENDER_MARK).length === 0) {
      performance.mark(FIRST_RENDER_MARK);
      document.body.dataset.ready = 'true';
    }
  }, [ready]);

  const act = useCallback<ActionProps['act']>(async (what, action) => {
    setNote({ kind: 'busy', text: `${what}…` });
    try {
      const result = await action();
      setNote({ kind: 'ok', text: typeof result === 'string' ? `${what}: ${result}` : `${what}: done` });
    } catch (err) {
      setNote({ kind: 'error', text: `${what}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }, []);
  // Each section renders again only when what it shows changed: a service's status write does
  // not walk a thousand task rows, nor a task's the instances.
  const instancesSection = useMemo(() => <Instances cluster={cluster} act={act} instances={instances.items} />, [cluster, act, instances.items]);
  const servicesSection = useMemo(
    () => <Services cluster={cluster} act={act} services={services.items} tasks={tasks.items} instances={instances.items} />,
    [cluster, act, services.items, tasks.items, instances.items],
  );
  // Each instance's heartbeat carries its tasks' utilisation: one map by task name for the rows.
  const usage = useMemo(() => new Map(reportedTasks(instances.items).map(({ usage: u }) => [u.task, u])), [instances.items]);
  const tasksSection = useMemo(
    () => <Tasks cluster={cluster} act={act} tasks={tasks.items} usage={usage} onLogs={setLogsOf} following={logsOf} />,
    [cluster, act, tasks.items, usage, logsOf],
  );
  const logTask = tasks.items.find((t) => t.metadata.name === logsOf);

  return (
    <div class="console">
      <header>
        <strong>berth</strong>
        <label>
          cluster{' '}
          <select
            id="cluster"
            value={cluster}
            onChange={(e) => {
              setChosen(e.currentTarget.value);
              setLogsOf(undefined);
            }}
          >
            {(names.includes(cluster) ? names : [cluster, ...names]).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span class="spacer" />
        <button type="button" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      <Notice note={note} />
      {[clusters, instances, services, tasks].map((c) => c.error).find(Boolean) && (
        <p class="error" role="alert">
          {[clusters, instances, services, tasks].map((c) => c.error).find(Boolean)}
        </p>
      )}
      {instancesSection}
      {servicesSection}
      {tasksSection}
      {logTask && <Logs key={`${cluster}/${logTask.metadata.name}`} cluster={cluster} task={logTask} onClose={() => setLogsOf(undefined)} />}
    </div>
  );
}
