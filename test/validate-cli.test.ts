/**
 * `berth validate` as users run it: the built binary (dist/, made by `npm run build`, which
 * hack/test.sh and `npm ci` run before the suite), its exit code, stdout and stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const main = join(repo, 'dist/cli/main.js');
const examples = join(repo, 'manifests/examples');

function berth(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: repo, input, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(async () => {
  // A stale build would test yesterday's code: insist on a build newer than the command's source.
  const [built, source] = await Promise.all([
    stat(join(repo, 'dist/cli/commands/validate.js')).catch(() => undefined),
    stat(join(repo, 'cli/commands/validate.ts')),
  ]);
  if (!built || built.mtimeMs < source.mtimeMs) throw new Error('dist/ is missing or older than cli/commands/validate.ts: run `npm run build` first');
  dir = await mkdtemp(join(tmpdir(), 'berth-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const service = (name: string) => `apiVersion: berth.dev/v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  taskDefinition: ${name}\n  desiredCount: 1\n`;

describe('berth validate', () => {
  it('lists every object of the examples directory and exits 0', () => {
    const r = berth(['validate', '-f', examples]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `TaskDefinition/batch (default) from ${join(examples, 'batch.json')}`,
      `TaskDefinition/app-with-sidecar (default) from ${join(examples, 'two-containers.yaml')}`,
      `Service/app-with-sidecar (default) from ${join(examples, 'two-containers.yaml')}`,
      `TaskDefinition/web (default) from ${join(examples, 'web.yaml')}`,
      `Service/web (default) from ${join(examples, 'web.yaml')}`,
      `TargetGroup/web (default) from ${join(examples, 'web.yaml')}`,
      `LoadBalancer/web (default) from ${join(examples, 'web.yaml')}`,
    ]);
  });

  it('reads several -f and stdin', () => {
    const r = berth(['validate', '-f', join(examples, 'web.yaml'), '-f', '-'], service('from-stdin'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Service/web (default) from');
    expect(r.stdout).toContain('Service/from-stdin (default) from <stdin>');
  });

  it.each([
    [[], ['Service/top (default)']],
    [['-R'], ['Service/deep (default)', 'Service/top (default)']],
  ])('descends into sub-directories only with -R (%j)', async (flags, expected) => {
    const tree = await mkdtemp(join(dir, 'tree-'));
    await mkdir(join(tree, 'nested'));
    await writeFile(join(tree, 'top.yaml'), service('top'));
    await writeFile(join(tree, 'nested', 'deep.yml'), service('deep'));
    const r = berth(['validate', '-f', tree, ...flags]);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(/ from .*/, '')),
    ).toEqual(expected);
  });

  it('prints every error as FILE:LINE:COL: PATH: MESSAGE on stderr and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    const text = [
      'apiVersion: berth.dev/v1',
      'kind: TaskDefinition',
      'metadata:',
      '  name: web',
      'spec:',
      '  family: web',
      '  containerDefinitions:',
      '    - name: app',
      '      memory: 16',
      '      healthCheck:',
      '        command: ["CMD-SHELL", "exit 0"]',
      '        interval: 0',
      '---',
      'apiVersion: berth.dev/v1',
      'kind: Servise',
      'metadata: {name: x}',
      'spec: {}',
      '',
    ].join('\n');
    await writeFile(file, text);
    const r = berth(['validate', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${file}:8:7: spec\\.containerDefinitions\\[0\\]\\.image: .+`)),
        expect.stringMatching(new RegExp(`^${file}:12:19: spec\\.containerDefinitions\\[0\\]\\.healthCheck\\.interval: .*at least 1`)),
        expect.stringMatching(new RegExp(`^${file}:15:7: kind: unknown kind "Servise"`)),
      ]),
    );
    expect(lines.at(-1)).toBe(`${lines.length - 1} errors found`);
  });

  it.each([
    ['attribute:zone === a', /.*expected "and", "or" or the end of the expression at column 20/],
    ['attribute:zone == a or', /.*expected a comparison, "not" or "\(" at column 23/],
  ])('refuses the memberOf expression %j with its field path', async (expression, problem) => {
    const file = join(dir, `member-of-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, `${service('placed')}  placementConstraints:\n    - type: memberOf\n      expression: "${expression}"\n`);
    const r = berth(['validate', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^${file}:10:19: spec\\.placementConstraints\\[0\\]\\.expression: ${problem.source}`));
  });

  it.each([
    ['a YAML syntax error', 'a: [1, 2\nb: 3\n', /^FILE:2:1: .+/],
    [
      'a duplicate',
      `${service('web')}---\n${service('web')}`,
      /^FILE:12:9: metadata\.name: duplicate Service "web" in cluster "default", first defined at FILE:4:9/,
    ],
  ])('reports %s with its position', async (_name, text, pattern) => {
    const file = join(dir, `case-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    const r = berth(['validate', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(new RegExp(pattern.source.replaceAll('FILE', file.replaceAll('.', '\\.'))));
  });

  it.each<[string, () => Promise<string[]>, RegExp]>([
    ['a missing file', async () => ['-f', '/nonexistent/x.yaml'], /^\/nonexistent\/x\.yaml: no such file/],
    ['a directory without manifests', async () => ['-f', await mkdtemp(join(dir, 'empty-'))], /^no objects found in /],
    ['no -f at all', async () => [], /required option '-f, --filename <path>' not specified/],
  ])('exits 1 for %s', async (_name, args, pattern) => {
    const r = berth(['validate', ...(await args())]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(pattern);
  });
});
