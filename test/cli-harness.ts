/**
 * For the CLI tests: one real `berth up` per test file, and the real binary run as a user runs it
 * (its own process, the config file `berth up` wrote, manifests in a temp directory).
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BERTH_BIN, berthEnv, removeInstanceObjects, startBerthUp, tempDir, testInstanceName, type BerthProcess } from './support/berth-process.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  dir: string;
  config: string;
  server: BerthProcess;
  /** `timeoutMs` (default 20 s): the command is killed after it, for commands that wait (--wait, -f). */
  berth(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult>;
  /** Writes a file under the temp dir (creating directories) and returns its path. */
  write(name: string, text: string): Promise<string>;
  stop(): Promise<void>;
}

/** A build older than the CLI sources would test yesterday's code. */
export function assertFreshBuild(sources: string[]): void {
  const built = statSync(BERTH_BIN, { throwIfNoEntry: false });
  if (!built) throw new Error('dist/ is missing: run `npm run build` first');
  for (const source of sources) {
    const js = join('dist', source.replace(/\.ts$/, '.js'));
    const out = statSync(js, { throwIfNoEntry: false });
    if (!out || out.mtimeMs < statSync(source).mtimeMs) throw new Error(`${js} is missing or older than ${source}: run \`npm run build\` first`);
  }
}

export async function startCliEnv(): Promise<CliEnv> {
  const dir = tempDir('berth-cli-');
  const config = join(dir, 'config');
  const instance = testInstanceName('cli');
  const server = await startBerthUp(['up', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--instance-name', instance], config);
  return {
    dir,
    config,
    server,
    berth: (args, options = {}) =>
      runBerth(args, { env: { ...berthEnv(config), ...options.env }, input: options.input, cwd: dir, timeoutMs: options.timeoutMs }),
    write: async (name, text) => {
      const path = join(dir, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      return path;
    },
    stop: async () => {
      server.client.close();
      server.child.kill('SIGTERM');
      await server.exited;
      await removeInstanceObjects(instance);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function runBerth(args: string[], options: { env: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export const lines = (text: string): string[] =>
  text
    .trim()
    .split('\n')
    .filter((l) => l !== '');
