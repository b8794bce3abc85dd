/** Tasks: status, health, each container's state and exit code; stop a task, follow its logs. */
import { useState } from 'preact/hooks';
import { stopTask } from '../actions.js';
import type { Task } from '../types.js';
import type { ActionProps } from './console.js';

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
    .sort((a, b) => (a.spec.group ?? '').localeCompare(b.spec.group ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  return (
    <section id="tasks">
      <h2>
        Tasks ({shown.length}
        {showStopped ? '' : ` of ${tasks.length}`})
      </h2>
      <label class="toggle">
        <input type="checkbox" checked={showStopped} onChange={(e) => setShowStopped(e.currentTarget.checked)} /> show stopped tasks
      </label>
      <table class="tasks">
        <thead>
          <tr>
            <th>task</th>
            <th>group</th>
            <th>task definition</th>
            <th>instance</th>
            <th>status</th>
            <th>health</th>
            <th>containers</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <TaskRow key={t.metadata.name} task={t} cluster={cluster} act={act} onLogs={onLogs} following={following === t.metadata.name} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TaskRow({ task: t, cluster, act, onLogs, following }: ActionProps & { task: Task; onLogs: (task: string) => void; following: boolean }) {
  const name = t.metadata.name;
  const last = t.status?.lastStatus ?? 'PROVISIONING';
  const stopping = t.spec.desiredStatus === 'STOPPED';
  return (
    <tr data-task={name} data-status={last} class={following ? 'selected' : undefined}>
      <td class="mono">{name}</td>
      <td>{t.spec.group ?? ''}</td>
      <td>{t.spec.taskDefinition}</td>
      <td>{t.spec.containerInstance ?? <span class="meta">{t.status?.pendingReason ?? 'not placed'}</span>}</td>
      <td>
        <span class={`badge ${last}`}>{last}</span>
        {stopping && last !== 'STOPPED' && <span class="meta"> → STOPPED</span>}
        {t.status?.stoppedReason && <span class="meta"> {t.status.stoppedReason}</span>}
      </td>
      <td>
        <span class={`badge ${t.status?.healthStatus ?? 'UNKNOWN'}`}>{t.status?.healthStatus ?? 'UNKNOWN'}</span>
      </td>
      <td>
        {(t.status?.containers ?? []).map((c) => (
          <span class="container" key={c.name}>
            {c.name}: {c.lastStatus}
            {c.exitCode !== undefined && ` (exit ${c.exitCode})`}
            {c.healthStatus !== 'UNKNOWN' && ` ${c.healthStatus.toLowerCase()}`}
          </span>
        ))}
      </td>
      <td class="row-actions">
        <button type="button" onClick={() => onLogs(name)} disabled={t.spec.containerInstance === undefined}>
          Logs
        </button>
        <button type="button" onClick={() => act(`stop ${name}`, () => stopTask(cluster, name))} disabled={stopping}>
          Stop
        </button>
      </td>
    </tr>
  );
}
