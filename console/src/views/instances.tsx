/** Container instances: capacity reserved and free, and what their tasks use, as bars; agent state; drain and activate. */
import type { ContainerInstance } from '../types.js';
import { summarizeInstance } from '../../../api/utilization-summary.js';
import { setInstanceStatus } from '../actions.js';
import { Bar } from './bar.js';
import type { ActionProps } from './console.js';

export function Instances({ cluster, act, instances }: ActionProps & { instances: ContainerInstance[] }) {
  const sorted = [...instances].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return (
    <section id="instances">
      <h2>Instances ({sorted.length})</h2>
      {sorted.length === 0 && <p class="empty">No container instances in cluster {cluster}.</p>}
      <div class="cards">
        {sorted.map((ci) => {
          const registered = ci.spec.registeredResources;
          const remaining = ci.status?.remainingResources ?? { cpu: registered.cpu, memory: registered.memory };
          const draining = ci.spec.status === 'DRAINING';
          // Reserved (the bars above) is what the scheduler places by; in use is what the agent sampled.
          const usage = ci.status?.utilization ? summarizeInstance(ci) : undefined;
          return (
            <article class="card" key={ci.metadata.name} data-instance={ci.metadata.name}>
              <h3>
                {ci.metadata.name} <span class={`badge ${ci.spec.status}`}>{ci.spec.status}</span>{' '}
                <span class={ci.status?.agentConnected ? 'badge ok' : 'badge bad'}>{ci.status?.agentConnected ? 'agent connected' : 'agent disconnected'}</span>
              </h3>
              <Bar label="CPU" used={registered.cpu - remaining.cpu} total={registered.cpu} unit="units" />
              <Bar label="Memory" used={registered.memory - remaining.memory} total={registered.memory} unit="MiB" />
              {usage && (
                <>
                  <Bar label="CPU in use" used={Math.round(usage.cpuUsed)} total={registered.cpu} unit="units" />
                  <Bar label="Memory in use" used={Math.round(usage.memoryUsed)} total={registered.memory} unit="MiB" />
                </>
              )}
              <p class="meta">
                {ci.status?.runningTasksCount ?? 0} running, {ci.status?.pendingTasksCount ?? 0} pending tasks
              </p>
              <button
                type="button"
                onClick={() =>
                  act(draining ? `activate ${ci.metadata.name}` : `drain ${ci.metadata.name}`, () =>
                    setInstanceStatus(cluster, ci.metadata.name, draining ? 'ACTIVE' : 'DRAINING'),
                  )
                }
              >
                {draining ? 'Activate' : 'Drain'}
              </button>
            </article>
          );
        })}
      </div>
    </section>
  );
}
