import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatManifestError } from '../../api/usecases/manifests/index.js';
import { loadComposeFile } from './load.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'compose-load-'));
  await writeFile(join(dir, 'app.env'), 'A=1\n');
  await writeFile(join(dir, 'nginx.conf'), 'events {}\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function load(name: string, text: string, env: NodeJS.ProcessEnv = {}) {
  const file = join(dir, name);
  await writeFile(file, text);
  const r = await loadComposeFile(file, { env });
  return { ...r, errorText: r.errors.map((e) => formatManifestError(e)).join('\n'), file };
}

const spec = (objects: { kind: string; spec: Record<string, unknown> }[], kind: string) => objects.find((o) => o.kind === kind)?.spec;

describe('loadComposeFile', () => {
  it('numbers written as ${VAR} are cast where the schema wants numbers', async () => {
    const r = await load(
      'n.yaml',
      'services:\n  web:\n    image: x:1\n    ports:\n      - target: ${PORT}\n    deploy:\n      replicas: ${N}\n      resources:\n        limits:\n          memory: ${MEM}\n',
      { N: '3', PORT: '8080', MEM: '256m' },
    );
    expect(r.errorText).toBe('');
    expect(spec(r.objects, 'Service')).toMatchObject({ desiredCount: 3 });
    expect(spec(r.objects, 'TaskDefinition')).toMatchObject({ containerDefinitions: [{ memory: 256, portMappings: [{ containerPort: 8080 }] }] });
  });

  it('a ${VAR} that is not a number where one is wanted is an error at file:line and field', async () => {
    const r = await load('bad-n.yaml', 'services:\n  web:\n    image: x:1\n    deploy:\n      replicas: ${N}\n', { N: 'three' });
    expect(r.objects).toEqual([]);
    expect(r.errorText).toContain(`${r.file}:5:17: services.web.deploy.replicas: "three" is not an integer (written as "\${N}")`);
  });

  it('long-form env_file: a missing file with required: false is skipped, a required one is an error', async () => {
    const ok = await load(
      'env.yaml',
      'services:\n  web:\n    image: x:1\n    env_file:\n      - path: app.env\n      - path: missing.env\n        required: false\n',
    );
    expect(ok.errorText).toBe('');
    expect(spec(ok.objects, 'TaskDefinition')).toMatchObject({ containerDefinitions: [{ environment: [{ name: 'A', value: '1' }] }] });
    const bad = await load('env-bad.yaml', 'services:\n  web:\n    image: x:1\n    env_file:\n      - path: missing.env\n');
    expect(bad.errorText).toContain('services.web.env_file: cannot read env file');
    const typo = await load('env-typo.yaml', 'services:\n  web:\n    image: x:1\n    env_file:\n      - path: app.env\n        requried: false\n');
    expect(typo.errorText).toContain('services.web.env_file');
  });

  it('a file config is mounted read-only at its target; one berth cannot provide is an error naming the field', async () => {
    const ok = await load(
      'cfg.yaml',
      'services:\n  web:\n    image: x:1\n    configs:\n      - source: nginx\n        target: /etc/nginx/nginx.conf\n      - nginx\nconfigs:\n  nginx:\n    file: ./nginx.conf\n',
    );
    expect(ok.errorText).toBe('');
    const td = spec(ok.objects, 'TaskDefinition');
    expect(td).toMatchObject({
      volumes: [{ name: 'web-config-nginx', host: { sourcePath: join(dir, 'nginx.conf') } }],
      containerDefinitions: [
        {
          mountPoints: [
            { sourceVolume: 'web-config-nginx', containerPath: '/etc/nginx/nginx.conf', readOnly: true },
            { sourceVolume: 'web-config-nginx', containerPath: '/nginx', readOnly: true },
          ],
        },
      ],
    });
    const ext = await load('cfg-ext.yaml', 'services:\n  web:\n    image: x:1\n    configs: [app]\nconfigs:\n  app:\n    external: true\n');
    expect(ext.errorText).toContain(`${ext.file}:7:15: configs.app.external: berth has no config store`);
    const mode = await load(
      'cfg-mode.yaml',
      'services:\n  web:\n    image: x:1\n    configs:\n      - source: nginx\n        mode: 0440\nconfigs:\n  nginx:\n    file: ./nginx.conf\n',
    );
    expect(mode.errorText).toContain('services.web.configs[0].mode: cannot be honoured');
  });
});
