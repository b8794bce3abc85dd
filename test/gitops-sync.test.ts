/**
 * syncOnce against a real store (SQLite + LocalClient, as inside the server): the prune rules the
 * binary test does not reach — a file that does not even parse keeps its objects by their source
 * annotation, two sets never prune each other, -l limits both apply and prune, an unreadable
 * directory prunes nothing, and ECS task definitions are deregistered rather than deleted.
 */
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import { GITOPS_FIELD_MANAGER } from '../cli/gitops/constants.js';
import { DirectoryUnreadableError, syncOnce, type SyncOptions } from '../cli/gitops/sync.js';
import { tempDir } from './support/berth-process.js';

const service = (name: string, labels = '{}', desired: number | string = 0) => `apiVersion: berth.dev/v1
kind: Service
metadata: { name: ${name}, labels: ${labels} }
spec: { taskDefinition: web, desiredCount: ${desired} }
`;
const ecsTaskDefinition = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'main', image: 'busybox', memory: 16 }] });

let env: TestEnv;
let root: string;
beforeEach(async () => {
  env = await startTestEnv();
  root = tempDir('berth-gitops-sync-');
});
afterEach(async () => {
  await env.stop();
  rmSync(root, { recursive: true, force: true });
});

function setDir(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}
const options = (dir: string, set: string, extra: Partial<SyncOptions> = {}): SyncOptions => ({
  dir,
  set,
  fieldManager: GITOPS_FIELD_MANAGER,
  defaultCluster: 'default',
  prune: true,
  ...extra,
});
const services = async () => (await env.client.list('Service', {})).items.map((s) => s.metadata.name).sort();

describe('syncOnce', () => {
  it('a file that no longer parses keeps the objects it applied (by their source annotation); deleting it prunes them', async () => {
    const dir = setDir('site', { 'web.json': ecsTaskDefinition, 'a.yaml': `${service('a')}---\n${service('b')}` });
    await syncOnce(env.client, options(dir, 'site'));
    expect(await services()).toEqual(['a', 'b']);

    writeFileSync(join(dir, 'a.yaml'), 'kind: Service\nmetadata: { name: [unclosed\n');
    const broken = await syncOnce(env.client, options(dir, 'site'));
    expect(broken.skipped.map((s) => s.file)).toEqual([join(dir, 'a.yaml')]);
    expect(broken.results.filter((r) => r.action !== 'unchanged')).toEqual([]);
    expect(await services()).toEqual(['a', 'b']);

    unlinkSync(join(dir, 'a.yaml'));
    const pruned = await syncOnce(env.client, options(dir, 'site'));
    expect(
      pruned.results
        .filter((r) => r.action === 'pruned')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(await services()).toEqual([]);

    // The ECS-form task definition goes last: deregistered (INACTIVE), never deleted.
    unlinkSync(join(dir, 'web.json'));
    await syncOnce(env.client, options(dir, 'site'));
    expect((await env.client.mustGet('TaskDefinition', { name: 'web:1' })).status?.status).toBe('INACTIVE');
  });

  it('two sets never prune each other', async () => {
    const one = setDir('one', { 'a.yaml': service('a') });
    const two = setDir('two', { 'b.yaml': service('b') });
    await syncOnce(env.client, options(one, 'one'));
    await syncOnce(env.client, options(two, 'two'));
    await syncOnce(env.client, options(one, 'one'));
    expect(await services()).toEqual(['a', 'b']);
    unlinkSync(join(two, 'b.yaml'));
    await syncOnce(env.client, options(one, 'one'));
    expect(await services()).toEqual(['a', 'b']);
    await syncOnce(env.client, options(two, 'two'));
    expect(await services()).toEqual(['a']);
  });

  it('-l applies and prunes only matching objects', async () => {
    const dir = setDir('site', { 'a.yaml': `${service('front', '{ tier: front }')}---\n${service('back', '{ tier: back }')}` });
    const first = await syncOnce(env.client, options(dir, 'site', { selector: 'tier=front' }));
    expect(first.ignored).toBe(1);
    expect(await services()).toEqual(['front']);
    await syncOnce(env.client, options(dir, 'site'));
    expect(await services()).toEqual(['back', 'front']);
    writeFileSync(join(dir, 'a.yaml'), '');
    await syncOnce(env.client, options(dir, 'site', { selector: 'tier=front' }));
    expect(await services()).toEqual(['back']);
  });

  it('an unreadable (removed) directory is an error, not an empty set: nothing is pruned', async () => {
    const dir = setDir('site', { 'a.yaml': service('a') });
    await syncOnce(env.client, options(dir, 'site'));
    rmSync(dir, { recursive: true });
    await expect(syncOnce(env.client, options(dir, 'site'))).rejects.toBeInstanceOf(DirectoryUnreadableError);
    expect(await services()).toEqual(['a']);
  });

  it('applying the same directory again changes nothing', async () => {
    const dir = setDir('site', { 'web.json': ecsTaskDefinition, 'a.yaml': service('a') });
    await syncOnce(env.client, options(dir, 'site'));
    const before = await env.client.mustGet('Service', { name: 'a' });
    const again = await syncOnce(env.client, options(dir, 'site'));
    expect(again.results.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    expect((await env.client.mustGet('Service', { name: 'a' })).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });
});
