/** Tasks: status, health, each container's state and exit code; stop a task, follow its logs. */
import { useState } from 'preact/hooks';
import { stopTask } from '../actions.js';
import type { Task } from '../types.js';
import type { ActionProps } from './console.js';

/** Code-point order: names are ASCII, and a thousand localeCompare calls cost a first render dearly. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function Tasks({
  cluster,
  act,
  tasks,
  onLogs,
  following,
}: ActionProps & { tasks: Task[]; onLogs: (task: string) => void; following: string | undefined }) {
  const [showStopped, setShowStopped] = useState(false);
  const shown = tasks
    .filter((t) => showStopped || t.status?.lastStatus !== 'STOPPED')
    .sort((a, b) => compare(a.spec.group ?? '', b.spec.group ?? '') || compare(a.metadata.name, b.metadata.name));
  return (
    <section id="tasks">
      <h2>
        Tasks ({shown.length}
        {showStopped ? '' : ` of ${tasks.length}`})
      </h2>
      <label class="toggle">
        <input type="checkbox" checked={showStopped} onChange={(e) => setShowStopped(e.currentTarget.checked)} /> show stopped tasks
      </label>
      {/* Rows are grid rows, not table rows: each can skip layout and paint while off screen
          (content-visibility), which a thousand table rows cannot; the roles keep it a table to assistive technology. */}
      <div class="task-table" role="table" aria-label="tasks">
        <div class="task-row head" role="row">
          {['task', 'group', 'task definition', 'instance', 'status', 'health', 'containers', ''].map((h) => (
            <span role="columnheader" key={h}>
              {h}
            </span>
          ))}
        </div>
        {shown.map((t) => (
          <TaskRow key={t.metadata.name} task={t} cluster={cluster} act={act} onLogs={onLogs} following={following === t.metadata.name} />
        ))}
      </div>
    </section>
  );
}

function TaskRow({ task: t, cluster, act, onLogs, following }: ActionProps & { task: Task; onLogs: (task: string) => void; following: boolean }) {
  const name = t.metadata.name;
  const last = t.status?.lastStatus ?? 'PROVISIONING';
  const stopping = t.spec.desiredStatus === 'STOPPED';
  return (
    <div role="row" data-task={name} data-status={last} class={following ? 'task-row selected' : 'task-row'}>
      <span role="cell" class="mono">
        {name}
      </span>
      <span role="cell">{t.spec.group ?? ''}</span>
      <span role="cell">{t.spec.taskDefinition}</span>
      <span role="cell">{t.spec.containerInstance ?? <span class="meta">{t.status?.pendingReason ?? 'not placed'}</span>}</span>
      <span role="cell">
        <span class={`badge ${last}`}>{last}</span>
        {stopping && last !== 'STOPPED' && <span class="meta"> → STOPPED</span>}
        {t.status?.stoppedReason && <span class="meta">{` ${t.status.stoppedReason}`}</span>}
      </span>
      <span role="cell">
        <span class={`badge ${t.status?.healthStatus ?? 'UNKNOWN'}`}>{t.status?.healthStatus ?? 'UNKNOWN'}</span>
      </span>
      <span role="cell">
        {(t.status?.containers ?? []).map((c) => (
          // One text node per container: a thousand rows of several each cost the first render.
          <span class="container" key={c.name}>
            {`${c.name}: ${c.lastStatus}${c.exitCode === undefined ? '' : ` (exit ${c.exitCode})`}${c.healthStatus === 'UNKNOWN' ? '' : ` ${c.healthStatus.toLowerCase()}`}`}
          </span>
        ))}
      </span>
      <span role="cell" class="row-actions">
        <button type="button" onClick={() => onLogs(name)} disabled={t.spec.containerInstance === undefined}>
          Logs
        </button>
        <button type="button" onClick={() => act(`stop ${name}`, () => stopTask(cluster, name))} disabled={stopping}>
          Stop
        </button>
      </span>
    </div>
  );
}
