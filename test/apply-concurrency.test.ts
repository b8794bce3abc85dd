/**
 * applyManifests applies the objects of one kind several at once, and keeps the orders that matter:
 * kind before kind (task definitions before the services that use them), and an object's own
 * manifests in their order. A fatal error (unreachable, 401, 403) starts nothing more.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client/errors.js';
import { LocalClient } from '../api/client/local-client.js';
import type { BerthClient } from '../api/client/types.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { APPLY_CONCURRENCY, applyManifests } from '../cli/apply/apply-manifests.js';
import type { ApplyInput } from '../cli/apply/prepare.js';
import { openTestSqlite, type TestStore } from './support/stores.js';

const IMAGE = 'berth.local/busybox:1';

const taskDefinition = (name: string, command = ['sleep', '3600']): ApplyInput => ({
  raw: {
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name },
    spec: { containerDefinitions: [{ name: 'main', image: IMAGE, memory: 16, command }] },
  },
  source: { file: `${name}.yaml`, line: 1 },
});

const service = (name: string): ApplyInput => ({
  raw: { apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name }, spec: { taskDefinition: name, desiredCount: 0 } },
  source: { file: `${name}-service.yaml`, line: 1 },
});

interface Call {
  kind: string;
  name: string;
  start: number;
  end?: number;
}

/** `client` whose calls are recorded, each held 5 ms (so that calls at once overlap), and `refuse` may throw instead. */
function recording(client: BerthClient, refuse: (kind: string, name: string) => Error | undefined = () => undefined) {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const [first] = args;
        const object = typeof first === 'object' && first !== null ? (first as { kind?: string; metadata?: { name?: string } }) : undefined;
        const ref = args[1] as { name?: string } | undefined;
        const call: Call = { kind: object?.kind ?? String(first), name: object?.metadata?.name ?? ref?.name ?? '', start: performance.now() };
        calls.push(call);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 5));
          const refusal = refuse(call.kind, call.name);
          if (refusal) throw refusal;
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          inFlight--;
          call.end = performance.now();
        }
      };
    },
  });
  return { client: wrapped, calls, maxInFlight: () => maxInFlight };
}

describe('applyManifests, several objects at once', () => {
  let backend: TestStore;
  let client: BerthClient;
  beforeEach(async () => {
    backend = await openTestSqlite();
    client = new LocalClient(new ResourceStore(backend.store));
  });
  afterEach(async () => backend.dispose());

  const names = Array.from({ length: 20 }, (_, i) => `app-${String(i).padStart(2, '0')}`);
  // Services first in the input: the order of kinds is the engine's, not the files'.
  const inputs = [...names.map(service), ...names.map((n) => taskDefinition(n))];

  it('applies a kind at most APPLY_CONCURRENCY at once, and a later kind only after the earlier one is done', async () => {
    const rec = recording(client);
    const outcome = await applyManifests(rec.client, inputs);
    expect(outcome.ok).toBe(true);
    expect(outcome.results.map((r) => `${r.kind}/${r.name} ${r.action}`)).toEqual([
      ...names.map((n) => `TaskDefinition/${n}:1 created`),
      ...names.map((n) => `Service/${n} created`),
    ]);
    expect(rec.maxInFlight()).toBeGreaterThan(1);
    expect(rec.maxInFlight()).toBeLessThanOrEqual(APPLY_CONCURRENCY);
    const lastTaskDefinitionCall = Math.max(...rec.calls.filter((c) => c.kind === 'TaskDefinition').map((c) => c.end ?? Infinity));
    const firstServiceCall = Math.min(...rec.calls.filter((c) => c.kind === 'Service').map((c) => c.start));
    expect(firstServiceCall).toBeGreaterThanOrEqual(lastTaskDefinitionCall);
  });

  it("applies one object's manifests in their order: a family's second definition becomes its second revision", async () => {
    const outcome = await applyManifests(client, [taskDefinition('web', ['sleep', '1']), taskDefinition('web', ['sleep', '2']), taskDefinition('api')]);
    expect(outcome.results.map((r) => `${r.name} ${r.action}`)).toEqual(['web:1 created', 'web:2 created', 'api:1 created']);
    expect((await client.mustGet('TaskDefinition', { name: 'web:2' })).spec.containerDefinitions[0]?.command).toEqual(['sleep', '2']);
  });

  it('reports an object the server refuses, and applies the others', async () => {
    const rec = recording(client, (kind, name) =>
      kind === 'Service' && name === 'app-03' ? new ApiError(422, 'Invalid', 'spec.desiredCount: too many') : undefined,
    );
    const outcome = await applyManifests(rec.client, inputs);
    expect(outcome.ok).toBe(false);
    expect(outcome.results.filter((r) => r.action === 'failed').map((r) => `${r.kind}/${r.name}: ${r.error?.message}`)).toEqual([
      'Service/app-03: spec.desiredCount: too many (HTTP 422 Invalid)',
    ]);
    expect(outcome.results.filter((r) => r.action === 'created')).toHaveLength(39);
  });

  it('starts nothing more after a fatal error, and throws it once the objects under way are done', async () => {
    const forbidden = new ApiError(403, 'Forbidden', 'not yours');
    const rec = recording(client, (kind, name) => (kind === 'Service' && name === 'app-00' ? forbidden : undefined));
    await expect(applyManifests(rec.client, inputs)).rejects.toBe(forbidden);
    const servicesTried = new Set(rec.calls.filter((c) => c.kind === 'Service').map((c) => c.name));
    // app-00 and at most the others already under way with it; none started after.
    expect(servicesTried.has('app-00')).toBe(true);
    expect(servicesTried.size).toBeLessThanOrEqual(APPLY_CONCURRENCY);
    expect(rec.calls.every((c) => c.end !== undefined)).toBe(true);
  });
});
