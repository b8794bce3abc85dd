import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { KindName } from '../../api/keys.js';
import { registerCommands } from '../commands/index.js';
import { complete, type NameLookup } from './candidates.js';
import { commandTree } from './tree.js';

const program = new Command('berth');
registerCommands(program);
const tree = commandTree(program);

const OBJECTS: Partial<Record<KindName, string[]>> = {
  Service: ['web', 'api'],
  Task: ['web-1a2b', 'batch-9z'],
  TaskDefinition: ['web:1', 'web:2', 'batch:1'],
  ContainerInstance: ['host-1'],
  Cluster: ['default', 'prod'],
};
const asked: string[] = [];
const names: NameLookup = async (kind, cluster) => {
  asked.push(`${kind}@${cluster ?? '-'}`);
  return cluster === 'prod' && kind === 'Service' ? ['prod-only'] : (OBJECTS[kind] ?? []);
};
const values = async (line: string) => {
  const result = await complete(tree, line.split(' '), names, () => ['local', 'prod-east']);
  return result.kind === 'values' ? result.values : result.kind;
};

describe('complete', () => {
  it.each([
    ['', expect.arrayContaining(['get', 'apply', 'run-task', 'rollout', 'completion', 'agent'])],
    ['ro', ['rollout']],
    ['rollout ', ['status', 'history', 'undo', 'continue', 'rollback', 'stop']],
    ['token c', ['create']],
    ['get ', expect.arrayContaining(['svc', 'services', 'tasks', 'td', 'ci'])],
    ['get svc ', ['web', 'api']],
    ['get svc w', ['web']],
    ['get svc web ', ['web', 'api']],
    ['describe svc/', ['svc/web', 'svc/api']],
    ['get svc --cluster prod ', ['prod-only']],
    ['get svc --cluster=prod ', ['prod-only']],
    ['get --cluster ', ['default', 'prod']],
    ['get svc -o ', ['wide', 'yaml', 'json', 'name', 'jsonpath=', 'custom-columns=']],
    ['get svc --out', ['--output']],
    ['logs ', ['web-1a2b', 'batch-9z']],
    ['stop-task web-1a2b b', ['batch-9z']],
    ['drain ', ['host-1']],
    ['run-task ', ['web:1', 'web:2', 'batch:1']],
    ['run-task web:1 --instance ', ['host-1']],
    ['scale service ', ['web', 'api']],
    ['rollout status svc ', ['web', 'api']],
    ['deregister td web:', ['web:1', 'web:2']],
    ['delete task ', ['web-1a2b', 'batch-9z']],
    ['wait --for ', ['condition=steady', 'delete', 'jsonpath=']],
    ['wait service/w', ['service/web']],
    ['wait svc', ['svc/']],
    ['wait serv', ['service/', 'services/']],
    ['completion ', ['bash', 'zsh', 'fish']],
    ['agent token ', ['host-1']],
    ['get nosuchkind ', []],
    ['version ', []],
    ['config ', ['get-contexts', 'current-context', 'use-context', 'set-context', 'delete-context']],
    ['config use-context ', ['local', 'prod-east']],
    ['config delete-context p', ['prod-east']],
    ['get svc --context ', ['local', 'prod-east']],
    ['exec ', ['web-1a2b', 'batch-9z']],
    ['exec web-1a2b -c app --context p', ['prod-east']],
    ['port-forward ', ['web-1a2b', 'batch-9z']],
  ])('%j', async (line, expected) => {
    expect(await values(line)).toEqual(expected);
  });

  it.each([
    ['apply -f ', 'files'],
    ['delete --filename ', 'files'],
    ['run-task web --overrides ', 'files'],
    ['agent token h --out ', 'files'],
    ['up --data-dir ', 'dirs'],
    ['gitops watch ', 'dirs'],
  ])('%j lets the shell complete paths', async (line, kind) => {
    expect(await values(line)).toBe(kind);
  });

  it('asks the server only for names it offers', async () => {
    asked.length = 0;
    await values('get svc --cluster prod w');
    await values('apply -');
    expect(asked).toEqual(['Service@prod']);
  });
});
