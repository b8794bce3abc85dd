/**
 * The simulated engine behaves like the real one where the agent looks: lifecycle states, events
 * filtered by label, health transitions, crashes, name conflicts. (Benchmarks only; see sim.ts.)
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../kit/clock.js';
import { seededRng } from '../../scheduler/placement/rng.js';
import { ContainerNameConflictError } from './errors.js';
import { SimRuntime, type SimRuntimeOptions } from './sim.js';
import type { RuntimeEvent } from './types.js';

const spec = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  Image: 'berth.local/busybox:1',
  Labels: { 'berth.instance': 'i-1', 'berth.task': name },
  ...extra,
});

function engine(options: SimRuntimeOptions = {}) {
  const clock = new FakeClock(0);
  const rt = new SimRuntime({ clock, rng: seededRng(1), ...options });
  const events: RuntimeEvent[] = [];
  void rt.events((e) => events.push(e), { labels: { 'berth.instance': 'i-1' } });
  return { clock, rt, events, types: () => events.map((e) => `${e.type}${e.health ? `:${e.health}` : ''}${e.exitCode !== undefined ? `:${e.exitCode}` : ''}`) };
}

describe('SimRuntime', () => {
  it('runs a container through start, stop and remove with the matching events', async () => {
    const { rt, types } = engine();
    const id = await rt.createContainer(spec('a'));
    await rt.startContainer(id);
    expect((await rt.inspectContainer(id)).state).toBe('running');
    await rt.stopContainer(id);
    expect(await rt.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 137 });
    await rt.removeContainer(id);
    expect(types()).toEqual(['create', 'start', 'die:137', 'destroy']);
    await expect(rt.inspectContainer(id)).rejects.toThrow(/no container/);
  });

  it('reports health after the configured delay', async () => {
    const healthy = engine({ healthDelayMs: 500 });
    await healthy.rt.startContainer(await healthy.rt.createContainer(spec('h', { Healthcheck: { Test: ['CMD', 'true'] } })));
    expect(healthy.types()).toEqual(['create', 'start']);
    healthy.clock.advance(500);
    expect(healthy.types()).toEqual(['create', 'start', 'health_status:healthy']);

    const sick = engine({ unhealthyRate: 1, healthDelayMs: 10 });
    await sick.rt.startContainer(await sick.rt.createContainer(spec('u', { Healthcheck: { Test: ['CMD', 'true'] } })));
    sick.clock.advance(10);
    expect(sick.types()).toEqual(['create', 'start', 'health_status:unhealthy']);
  });

  it('crashes containers at the configured rate', async () => {
    const { rt, clock, types } = engine({ crashRate: 1, crashAfterMs: 1000 });
    await rt.startContainer(await rt.createContainer(spec('c')));
    clock.advance(1000);
    expect(types()).toEqual(['create', 'start', 'die:1']);
  });

  it('refuses a second container with the same name, naming the existing one', async () => {
    const { rt } = engine();
    const id = await rt.createContainer(spec('same'));
    const err = await rt.createContainer(spec('same')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerNameConflictError);
    expect(err).toMatchObject({ existingId: id });
  });

  it('lists by label and reports published host ports of running containers', async () => {
    const { rt } = engine();
    const id = await rt.createContainer(spec('p', { HostConfig: { PortBindings: { '8080/tcp': [{ HostPort: '49200' }] } } }));
    await rt.createContainer({ ...spec('other'), Labels: { 'berth.instance': 'i-2' } });
    await rt.startContainer(id);
    expect((await rt.listContainers({ labels: { 'berth.instance': 'i-1' } })).map((c) => c.name)).toEqual(['p']);
    expect(await rt.publishedPorts()).toEqual([{ hostPort: 49200, protocol: 'tcp' }]);
  });
});
