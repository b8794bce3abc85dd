/** planSync: broken files are skipped whole and protect what they name; the rest is labelled and applied. */
import { describe, expect, it } from 'vitest';
import { loadTexts } from '../../api/usecases/manifests/index.js';
import { parseLabelSelector } from '../../api/usecases/resources/label-selector.js';
import { GITOPS_SET_LABEL } from './constants.js';
import { planSync } from './plan.js';

const td = (name: string, extra = '') => `apiVersion: berth.dev/v1
kind: TaskDefinition
metadata: { name: ${name}${extra} }
spec:
  containerDefinitions: [{ name: main, image: busybox, memory: 16 }]
`;
const svc = (name: string, desired: number | string = 1, labels = '{}', cluster = '') => `apiVersion: berth.dev/v1
kind: Service
metadata: { name: ${name}, labels: ${labels}${cluster ? `, cluster: ${cluster}` : ''} }
spec: { taskDefinition: web, desiredCount: ${desired} }
`;
const ecsTd = JSON.stringify({ family: 'ecs', containerDefinitions: [{ name: 'main', image: 'busybox', memory: 16 }] });

const plan = (files: Record<string, string>, options: { selector?: string; defaultCluster?: string } = {}) =>
  planSync(loadTexts(Object.entries(files).map(([file, text]) => ({ file, text }))), {
    set: 'site',
    fieldManager: 'berth-gitops',
    defaultCluster: options.defaultCluster ?? 'default',
    selector: options.selector ? parseLabelSelector(options.selector) : undefined,
  });

interface Row {
  what: string;
  files: Record<string, string>;
  applied: string[];
  skipped: string[];
  protectedKeys: string[];
}

describe('planSync', () => {
  it.each<Row>([
    {
      what: 'valid files: every document applied, nothing skipped or protected',
      files: { '/d/web.yaml': `${td('web')}---\n${svc('web')}`, '/d/ecs.json': ecsTd },
      applied: ['TaskDefinition/default/web', 'Service/default/web', 'TaskDefinition/default/ecs'],
      skipped: [],
      protectedKeys: [],
    },
    {
      what: 'one invalid document skips its whole file and protects both of its objects',
      files: { '/d/web.yaml': td('web'), '/d/api.yaml': `${svc('api')}---\n${svc('worker', -1)}` },
      applied: ['TaskDefinition/default/web'],
      skipped: ['/d/api.yaml'],
      protectedKeys: ['Service/default/api', 'Service/default/worker'],
    },
    {
      // Nothing of an unparsable document is known: its objects are protected by their source file.
      what: 'a syntax error skips the file; it is protected as a file',
      files: { '/d/web.yaml': td('web'), '/d/api.yaml': `${svc('api')}  extra: [unclosed\n` },
      applied: ['TaskDefinition/default/web'],
      skipped: ['/d/api.yaml'],
      protectedKeys: [],
    },
    {
      what: 'a duplicate skips the later file only',
      files: { '/d/a.yaml': svc('api'), '/d/b.yaml': svc('api', 2) },
      applied: ['Service/default/api'],
      skipped: ['/d/b.yaml'],
      protectedKeys: ['Service/default/api'],
    },
    {
      what: 'a task definition named family:revision is protected by its family',
      files: { '/d/web.yaml': td('web:3', ', labels: { a: [1] }') },
      applied: [],
      skipped: ['/d/web.yaml'],
      protectedKeys: ['TaskDefinition/default/web'],
    },
  ])('$what', ({ files, applied, skipped, protectedKeys }) => {
    const p = plan(files);
    expect([...p.appliedKeys]).toEqual(applied);
    expect(p.skipped.map((s) => s.file)).toEqual(skipped);
    expect([...p.protectedFiles]).toEqual(skipped);
    expect([...p.protectedKeys].sort()).toEqual([...protectedKeys].sort());
    for (const s of p.skipped) expect(s.errors.length).toBeGreaterThan(0);
  });

  it('labels every input with the set, ECS task definitions included, keeping the source line', () => {
    const p = plan({ '/d/web.yaml': `${td('web')}---\n${svc('web', 1, '{ app: web }')}`, '/d/ecs.json': ecsTd });
    expect(p.inputs.map((i) => i.source)).toEqual([
      { file: '/d/web.yaml', line: 1 },
      { file: '/d/web.yaml', line: 7 },
      { file: '/d/ecs.json', line: 1 },
    ]);
    for (const input of p.inputs) expect(input.raw).toMatchObject({ metadata: { labels: { [GITOPS_SET_LABEL]: 'site' } } });
    expect(p.inputs[1]?.raw).toMatchObject({ metadata: { labels: { app: 'web' } } });
  });

  it('-l applies only matching objects; the others are ignored, not protected', () => {
    const p = plan({ '/d/a.yaml': `${svc('a', 1, '{ tier: front }')}---\n${svc('b', 1, '{ tier: back }')}` }, { selector: 'tier=front' });
    expect([...p.appliedKeys]).toEqual(['Service/default/a']);
    expect(p.ignored).toBe(1);
    expect(p.protectedKeys.size).toBe(0);
  });

  it('objects without a cluster go to the default cluster, applied and protected alike', () => {
    const p = plan({ '/d/a.yaml': svc('a'), '/d/b.yaml': svc('b', 'x'), '/d/c.yaml': svc('c', 1, '{}', 'other') }, { defaultCluster: 'prod' });
    expect([...p.appliedKeys]).toEqual(['Service/prod/a', 'Service/other/c']);
    expect([...p.protectedKeys]).toEqual(['Service/prod/b']);
  });
});
