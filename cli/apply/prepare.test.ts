import { describe, expect, it } from 'vitest';
import { validateObject, type BerthObject } from '../../api/v1/index.js';
import { planUpdate } from './apply-object.js';
import { LAST_APPLIED_ANNOTATION, MANAGED_BY_LABEL, SOURCE_ANNOTATION } from './constants.js';
import { lastApplied, prepareManifest } from './prepare.js';

const source = { file: 'm/web.yaml', line: 3 };
const options = { fieldManager: 'berth-apply', defaultCluster: 'dev' };
const service = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service',
  metadata: { name: 'web', ...metadata },
  spec: { taskDefinition: 'web', ...spec },
});

function stored(raw: unknown): BerthObject {
  const r = validateObject(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return { ...r.object, metadata: { ...r.object.metadata, resourceVersion: '7', uid: 'u', generation: 1 } };
}

describe('prepareManifest', () => {
  it('adds the managed-by label, the source and a last-applied record, and fills the default cluster', () => {
    const m = prepareManifest({ raw: service({ desiredCount: 2 }, { labels: { app: 'web' } }), source }, options);
    expect(m).toMatchObject({ kind: 'Service', cluster: 'dev', name: 'web' });
    expect(m.object.metadata.labels).toEqual({ app: 'web', [MANAGED_BY_LABEL]: 'berth-apply' });
    expect(m.object.metadata.annotations?.[SOURCE_ANNOTATION]).toBe('m/web.yaml:3');
    const record = JSON.parse(m.object.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? '{}');
    expect(record.spec).toEqual({ desiredCount: 2, taskDefinition: 'web' });
    expect(record.metadata.annotations[LAST_APPLIED_ANNOTATION]).toBeUndefined();
  });

  it('drops status and server-set metadata, keeps a cluster the file names', () => {
    const m = prepareManifest({ raw: { ...service({}, { cluster: 'prod', uid: 'x', resourceVersion: '9' }), status: { runningCount: 3 } }, source }, options);
    expect(m.cluster).toBe('prod');
    expect(m.applied.status).toBeUndefined();
    expect(m.object.metadata.uid).toBeUndefined();
  });

  it('names task definitions by family, wraps ECS JSON, and keeps no last-applied record for them', () => {
    const m = prepareManifest({ raw: { family: 'batch', containerDefinitions: [{ name: 'main', image: 'busybox', memory: 16 }] }, source }, options);
    expect(m).toMatchObject({ kind: 'TaskDefinition', name: 'batch', cluster: 'dev' });
    expect(m.object.metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toBeUndefined();
  });

  it('throws InvalidError naming the field for an invalid manifest', () => {
    expect(() => prepareManifest({ raw: service({ desiredCount: -1 }), source }, options)).toThrow(/spec.desiredCount/);
  });
});

describe('planUpdate', () => {
  const live = (spec: Record<string, unknown>, file = service(spec)) => {
    const m = prepareManifest({ raw: file, source }, options);
    return stored(m.applied);
  };

  it.each([
    ['the same file', { desiredCount: 2 }, { desiredCount: 2 }, 'unchanged'],
    ['a changed field', { desiredCount: 2 }, { desiredCount: 3 }, 'patch'],
    ['a removed field', { desiredCount: 2, healthCheckGracePeriodSeconds: 30 }, { desiredCount: 2 }, 'patch'],
    // The record of the file changes, so the object does, as with kubectl.
    ['a default written out', { desiredCount: 2 }, { desiredCount: 2, launchType: 'EC2' }, 'patch'],
    ['keys reordered', { desiredCount: 2, healthCheckGracePeriodSeconds: 5 }, { healthCheckGracePeriodSeconds: 5, desiredCount: 2 }, 'unchanged'],
  ])('%s: %j then %j is %s', (_name, before, after, expected) => {
    const m = prepareManifest({ raw: service(after), source }, options);
    expect(planUpdate(m, live(before)).kind).toBe(expected);
  });

  it('removes a field deleted from the file and keeps a desiredCount set by scale when the file sets none', () => {
    const current = live({ healthCheckGracePeriodSeconds: 30 });
    const scaled = { ...current, spec: { ...current.spec, desiredCount: 5 } } as BerthObject;
    const plan = planUpdate(prepareManifest({ raw: service({}), source }, options), scaled);
    expect(plan.kind).toBe('patch');
    if (plan.kind !== 'patch' || plan.merged.kind !== 'Service') throw new Error('expected a service patch');
    expect(plan.merged.spec.healthCheckGracePeriodSeconds).toBe(0);
    expect(plan.merged.spec.desiredCount).toBe(5);
    expect(lastApplied(plan.merged)?.spec).toEqual({ taskDefinition: 'web' });
  });
});
