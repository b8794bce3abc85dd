/**
 * Completion in the real shells (bash, zsh, fish) with the real binary on PATH against a real
 * `berth up`: commands, subcommands, flags and the server's object names (issue #29).
 */
import { execFile } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berthEnv, BERTH_BIN } from './support/berth-process.js';
import { assertFreshBuild, lines, startCliEnv, type CliEnv } from './cli-harness.js';

const run = promisify(execFile);
let env: CliEnv;
let shellEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  assertFreshBuild(['cli/completion/candidates.ts', 'cli/completion/scripts.ts', 'cli/completion/run.ts', 'cli/main.ts']);
  env = await startCliEnv();
  const file = await env.write(
    'set/all.yaml',
    `apiVersion: berth.dev/v1
kind: TaskDefinition
metadata: { name: cmp-web }
spec:
  containerDefinitions: [{ name: main, image: berth.local/busybox:1, memory: 16 }]
---
apiVersion: berth.dev/v1
kind: Service
metadata: { name: cmp-web }
spec: { taskDefinition: cmp-web, desiredCount: 0 }
---
apiVersion: berth.dev/v1
kind: Service
metadata: { name: cmp-api }
spec: { taskDefinition: cmp-web, desiredCount: 0 }
`,
  );
  const r = await env.berth(['apply', '-f', file]);
  if (r.code !== 0) throw new Error(r.stderr);
  const shim = await env.write('bin/berth', `#!/bin/sh\nexec "${process.execPath}" "${BERTH_BIN}" "$@"\n`);
  await chmod(shim, 0o755);
  shellEnv = { ...berthEnv(env.config), PATH: `${env.dir}/bin:${process.env.PATH ?? ''}`, HOME: env.dir };
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

const shell = async (bin: string, script: string) => (await run(bin, ['-c', script], { env: shellEnv, cwd: env.dir, timeout: 20_000 })).stdout;

const bash = (line: string) =>
  shell(
    'bash',
    `source <(berth completion bash); COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}; _berth_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
  );
// zsh's completion system needs a terminal; its two builtins the script calls are stood in for,
// so what is checked is the words the script hands berth and what it offers back.
const zsh = (words: string[]) =>
  shell(
    'zsh',
    `compadd() { local arr; while (( $# )); do case $1 in -S) shift 2 ;; -a) arr=$2; shift 2 ;; *) shift ;; esac; done; print -l -- \${(P)arr}; }
_files() { print -- "FILES $*"; }
source <(berth completion zsh)
words=(${words.map((w) => JSON.stringify(w)).join(' ')}); CURRENT=${words.length}; _berth`,
  );
const fish = (line: string) => shell('fish', `berth completion fish | source; complete -C ${JSON.stringify(line)}`);

describe('completion scripts in their shells', () => {
  it('bash: subcommands, flags, object names from the server, and names after a colon', async () => {
    expect(lines(await bash('berth rollout '))).toEqual(['status', 'history', 'undo', 'continue', 'rollback', 'stop']);
    expect(lines(await bash('berth get svc '))).toEqual(['cmp-api', 'cmp-web']);
    expect(lines(await bash('berth describe service cmp-w'))).toEqual(['cmp-web']);
    expect(lines(await bash('berth get tasks --stat'))).toEqual(['--status']);
    // bash replaces only what follows the last ":", so that is what is offered.
    expect(lines(await bash('berth run-task cmp-web:'))).toEqual(['1']);
    expect(lines(await bash('berth apply -f set/'))).toEqual(['set/all.yaml']);
  });

  it('zsh: the same answers through compadd, paths through _files', async () => {
    expect(lines(await zsh(['berth', 'get', 'svc', '']))).toEqual(['cmp-api', 'cmp-web']);
    expect(lines(await zsh(['berth', 'completion', '']))).toEqual(['bash', 'zsh', 'fish']);
    expect(lines(await zsh(['berth', 'apply', '-f', '']))).toEqual(['FILES']);
  });

  it('fish: the same answers through complete -C', async () => {
    expect(lines(await fish('berth get svc cmp-'))).toEqual(['cmp-api', 'cmp-web']);
    expect(lines(await fish('berth wait svc/'))).toEqual(['svc/cmp-api', 'svc/cmp-web']);
    expect(lines(await fish('berth token '))).toEqual(['create', 'list', 'revoke']);
  });

  it('offers no names, and prints no error, when the server cannot be reached', async () => {
    const out = await shell(
      'bash',
      `source <(berth completion bash); COMP_LINE="berth get svc --server http://127.0.0.1:9 "; COMP_POINT=\${#COMP_LINE}; _berth_completion; echo "n=\${#COMPREPLY[@]}"`,
    );
    expect(out).toBe('n=0\n');
  });
});
