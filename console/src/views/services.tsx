/**
 * Services: each deployment of a rollout (the PRIMARY one is the new revision, ACTIVE ones the
 * old) with its tasks and how many are healthy, the service's events as they happen, and scale and
 * roll back.
 */
import { useState } from 'preact/hooks';
import { rollBack, scaleService } from '../actions.js';
import { summarizeServices, type UtilizationSummary } from '../../../api/utilization-summary.js';
import type { ContainerInstance, Deployment, Service, Task } from '../types.js';
import type { ActionProps } from './console.js';

const EVENTS_SHOWN = 8;

/** A service's utilisation is of what its tasks reserve (ECS's CPUUtilization); a service reserving nothing has none. */
const percent = (p: number | undefined) => (p === undefined ? 'n/a' : `${p.toFixed(1)}%`);

export function Services({ cluster, act, services, tasks, instances }: ActionProps & { services: Service[]; tasks: Task[]; instances: ContainerInstance[] }) {
  const usage = summarizeServices(instances);
  const sorted = [...services].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const byDeployment = new Map<string, Task[]>();
  for (const t of tasks) {
    if (t.spec.startedBy === undefined || t.status?.lastStatus === 'STOPPED') continue;
    const list = byDeployment.get(t.spec.startedBy) ?? [];
    list.push(t);
    byDeployment.set(t.spec.startedBy, list);
  }
  return (
    <section id="services">
      <h2>Services ({sorted.length})</h2>
      {sorted.length === 0 && <p class="empty">No services in cluster {cluster}.</p>}
      {sorted.map((s) => (
        <ServiceCard
          key={s.metadata.name}
          cluster={cluster}
          act={act}
          service={s}
          byDeployment={byDeployment}
          usage={usage.get(`${cluster}/${s.metadata.name}`)?.summary}
        />
      ))}
    </section>
  );
}

function ServiceCard({
  cluster,
  act,
  service,
  byDeployment,
  usage,
}: ActionProps & { service: Service; byDeployment: Map<string, Task[]>; usage: UtilizationSummary | undefined }) {
  const name = service.metadata.name;
  const [count, setCount] = useState<string>('');
  const status = service.status;
  const events = [...(status?.events ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, EVENTS_SHOWN);
  const scale = (e: Event) => {
    e.preventDefault();
    const n = Number(count);
    if (!Number.isInteger(n) || n < 0) return void act(`scale ${name}`, () => Promise.reject(new Error('the desired count must be a whole number, 0 or more')));
    void act(`scale ${name} to ${n}`, () => scaleService(cluster, name, n)).then(() => setCount(''));
  };
  return (
    <article class="card service" data-service={name}>
      <h3>
        {name} <span class="meta">{service.spec.taskDefinition}</span>
      </h3>
      <p class="counts">
        desired <b data-field="desired">{service.spec.desiredCount}</b> · running <b data-field="running">{status?.runningCount ?? 0}</b> · pending{' '}
        <b data-field="pending">{status?.pendingCount ?? 0}</b>
        {usage && (
          <span
            data-field="utilization"
            title={`${usage.tasks} tasks reporting: ${usage.cpuUsed} of ${usage.cpuOf} cpu units, ${usage.memoryUsed} of ${usage.memoryOf} MiB reserved`}
          >
            {' '}
            · CPU {percent(usage.cpuUtilization)} · memory {percent(usage.memoryUtilization)}
          </span>
        )}
      </p>
      <table class="deployments">
        <thead>
          <tr>
            <th>deployment</th>
            <th>task definition</th>
            <th>rollout</th>
            <th>desired</th>
            <th>running</th>
            <th>healthy</th>
            <th>pending</th>
            <th>failed</th>
          </tr>
        </thead>
        <tbody>
          {(status?.deployments ?? []).map((d) => (
            <DeploymentRow key={d.id} deployment={d} tasks={byDeployment.get(d.id) ?? []} />
          ))}
        </tbody>
      </table>
      <form class="actions" onSubmit={scale}>
        <input
          type="number"
          min={0}
          aria-label={`desired count of ${name}`}
          name="desiredCount"
          value={count}
          placeholder={String(service.spec.desiredCount)}
          onInput={(e) => setCount(e.currentTarget.value)}
        />
        <button type="submit">Scale</button>
        <button type="button" onClick={() => act(`roll back ${name}`, () => rollBack(cluster, name))}>
          Roll back
        </button>
      </form>
      <ol class="events" aria-label={`events of ${name}`}>
        {events.map((e) => (
          <li key={e.id}>
            <time dateTime={e.createdAt}>{new Date(e.createdAt).toLocaleTimeString()}</time> {e.message}
          </li>
        ))}
      </ol>
    </article>
  );
}

function DeploymentRow({ deployment: d, tasks }: { deployment: Deployment; tasks: Task[] }) {
  const healthy = tasks.filter((t) => t.status?.lastStatus === 'RUNNING' && t.status.healthStatus === 'HEALTHY').length;
  return (
    <tr data-deployment={d.id} data-role={d.status === 'PRIMARY' ? 'new' : 'old'}>
      <td>
        <span class={`badge ${d.status}`}>{d.status === 'PRIMARY' ? 'new' : 'old'}</span> {d.id}
      </td>
      <td>{d.taskDefinition}</td>
      <td>
        <span class={`badge ${d.rolloutState}`}>{d.rolloutState}</span>
        {d.rolloutStateReason && <span class="meta"> {d.rolloutStateReason}</span>}
      </td>
      <td>{d.desiredCount}</td>
      <td data-field="running">{d.runningCount}</td>
      <td data-field="healthy">{healthy}</td>
      <td>{d.pendingCount}</td>
      <td>{d.failedTasks}</td>
    </tr>
  );
}
