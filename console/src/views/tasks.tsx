/**
 * Tasks: status, health, each container's state and exit code, CPU and memory in use; stop a
 * task, follow its logs. Only the rows in view are rendered (a windowed list of fixed-height rows
 * in a scrolling box): a cluster of a thousand tasks renders some thirty rows, not a thousand.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TaskUtilization } from '../../../api/v1/utilization.js';
import { stopTask } from '../actions.js';
import type { Task } from '../types.js';
import { rowRange } from '../window-range.js';
import type { ActionProps } from './console.js';

/** Must match .task-row's height in style.css: the scroll height and each row's place follow from it. */
const ROW_HEIGHT = 30;
/** Rows rendered beyond each edge of the viewport, so a scroll shows rows already there. */
const OVERSCAN = 8;
/** Before the box is measured: what .task-scroll's max-height (70vh) allows. */
const initialViewport = () => Math.ceil(window.innerHeight * 0.7);

/** Code-point order: names are ASCII, and a thousand localeCompare calls cost a first render dearly. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const COLUMNS = ['task', 'group', 'task definition', 'instance', 'status', 'health', 'containers', 'cpu · memory', ''];

export function Tasks({
  cluster,
  act,
  tasks,
  usage,
  onLogs,
  following,
}: ActionProps & { tasks: Task[]; usage: Map<string, TaskUtilization>; onLogs: (task: string) => void; following: string | undefined }) {
  const [showStopped, setShowStopped] = useState(false);
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = (t: Task) => {
      if (words.length === 0) return true;
      const text =
        `${t.metadata.name} ${t.spec.group ?? ''} ${t.spec.taskDefinition} ${t.spec.containerInstance ?? ''} ${t.status?.lastStatus ?? ''}`.toLowerCase();
      return words.every((w) => text.includes(w));
    };
    return tasks
      .filter((t) => (showStopped || t.status?.lastStatus !== 'STOPPED') && matches(t))
      .sort((a, b) => compare(a.spec.group ?? '', b.spec.group ?? '') || compare(a.metadata.name, b.metadata.name));
  }, [tasks, showStopped, filter]);

  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: initialViewport() });
  const frame = useRef<number | undefined>(undefined);
  const measure = () => {
    frame.current ??= window.requestAnimationFrame(() => {
      frame.current = undefined;
      const el = box.current;
      if (el) setScroll({ top: el.scrollTop, height: el.clientHeight || initialViewport() });
    });
  };
  useEffect(() => {
    window.addEventListener('resize', measure);
    return () => {
      window.removeEventListener('resize', measure);
      if (frame.current !== undefined) window.cancelAnimationFrame(frame.current);
    };
  }, []);
  // The sticky header is one row high and above the first row.
  const { start, end } = rowRange(scroll.top - ROW_HEIGHT, scroll.height - ROW_HEIGHT, ROW_HEIGHT, shown.length, OVERSCAN);

  return (
    <section id="tasks">
      <h2>
        Tasks ({shown.length}
        {showStopped && filter === '' ? '' : ` of ${tasks.length}`})
      </h2>
      <div class="actions">
        <input
          type="search"
          aria-label="filter tasks"
          placeholder="filter: name, group, instance, status"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <label class="toggle">
          <input type="checkbox" checked={showStopped} onChange={(e) => setShowStopped(e.currentTarget.checked)} /> show stopped tasks
        </label>
      </div>
      {/* Grid rows, not table rows, so that rows out of view need not exist; the roles keep it a
          table to assistive technology, aria-rowcount and aria-rowindex saying which rows these are. */}
      <div class="task-table" role="table" aria-label="tasks" aria-rowcount={shown.length + 1}>
        <div class="task-scroll" ref={box} onScroll={measure}>
          {/* In the scrolling box (sticky), so that its columns line up with the rows' beside the scroll bar. */}
          <div class="task-row head" role="row" aria-rowindex={1}>
            {COLUMNS.map((h) => (
              <span role="columnheader" key={h}>
                {h}
              </span>
            ))}
          </div>
          <div class="task-rows" style={{ height: `${shown.length * ROW_HEIGHT}px` }}>
            <div style={{ transform: `translateY(${start * ROW_HEIGHT}px)` }}>
              {shown.slice(start, end).map((t, i) => (
                <TaskRow
                  key={t.metadata.name}
                  index={start + i + 2}
                  task={t}
                  usage={usage.get(t.metadata.name)}
                  cluster={cluster}
                  act={act}
                  onLogs={onLogs}
                  following={following === t.metadata.name}
                />
              ))}
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}

const containerText = (c: NonNullable<NonNullable<Task['status']>['containers']>[number]) =>
  `${c.name}: ${c.lastStatus}${c.exitCode === undefined ? '' : ` (exit ${c.exitCode})`}${c.healthStatus === 'UNKNOWN' ? '' : ` ${c.healthStatus.toLowerCase()}`}`;

/** Percent of what the task reserves when it reserves something, else the amount in use. */
function usageText(u: TaskUtilization | undefined): string {
  if (!u) return '';
  const cpu = u.cpuUtilization === undefined ? `${Math.round(u.cpuUsed)} cpu` : `${u.cpuUtilization.toFixed(1)}%`;
  const memory = u.memoryUtilization === undefined ? `${u.memoryUsed.toFixed(1)} MiB` : `${u.memoryUtilization.toFixed(1)}%`;
  return `${cpu} · ${memory}`;
}

function TaskRow({
  task: t,
  index,
  usage,
  cluster,
  act,
  onLogs,
  following,
}: ActionProps & { task: Task; index: number; usage: TaskUtilization | undefined; onLogs: (task: string) => void; following: boolean }) {
  const name = t.metadata.name;
  const last = t.status?.lastStatus ?? 'PROVISIONING';
  const stopping = t.spec.desiredStatus === 'STOPPED';
  // One text node per cell where it can be: each node of each row costs the render.
  const containers = (t.status?.containers ?? []).map(containerText).join('; ');
  const status = `${stopping && last !== 'STOPPED' ? ' → STOPPED' : ''}${t.status?.stoppedReason ? ` ${t.status.stoppedReason}` : ''}`;
  return (
    <div role="row" aria-rowindex={index} data-task={name} data-status={last} class={following ? 'task-row selected' : 'task-row'}>
      <span role="cell" class="mono" title={name}>
        {name}
      </span>
      <span role="cell">{t.spec.group ?? ''}</span>
      <span role="cell">{t.spec.taskDefinition}</span>
      <span role="cell">{t.spec.containerInstance ?? <span class="meta">{t.status?.pendingReason ?? 'not placed'}</span>}</span>
      <span role="cell" title={status === '' ? undefined : `${last}${status}`}>
        <span class={`badge ${last}`}>{last}</span>
        {status && <span class="meta">{status}</span>}
      </span>
      <span role="cell">
        <span class={`badge ${t.status?.healthStatus ?? 'UNKNOWN'}`}>{t.status?.healthStatus ?? 'UNKNOWN'}</span>
      </span>
      <span role="cell" title={containers}>
        {containers}
      </span>
      <span
        role="cell"
        data-field="usage"
        title={
          usage ? `cpu ${usage.cpuUsed} of ${usage.cpuReserved} units reserved; memory ${usage.memoryUsed} of ${usage.memoryReserved} MiB reserved` : undefined
        }
      >
        {usageText(usage)}
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
