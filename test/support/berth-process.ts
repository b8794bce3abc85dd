/**
 * Runs the real `berth` binary (dist/cli/main.js) as a child process, the way a user would, with its
 * config file in a temporary directory so it never touches ~/.berth.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveConnection } from '../../api/client/connection.js';
import { HttpClient } from '../../api/client/http-client.js';
import { DockerRuntime } from '../../controllers/agent/runtime/docker.js';
import { DOCKER_LABELS } from '../../controllers/agent/runtime/names.js';
import { sweepEngine } from './sweep-engine.js';

export const BERTH_BIN = resolve('dist/cli/main.js');

export interface BerthProcess {
  child: ChildProcess;
  url: string;
  token: string;
  client: HttpClient;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

export function tempDir(prefix = 'berth-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A container-instance name of this test's own: the engine is shared by the test files running at
 * once, and an agent takes the containers labelled with its cluster and instance for its own.
 */
export function testInstanceName(prefix: string): string {
  return `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
}

/**
 * Removes every container (running or kept for `berth logs`), task network and volume of a test's
 * instance; call it once its berth has exited, or a task that berth still starts is left behind.
 */
export async function removeInstanceObjects(instance: string): Promise<void> {
  await sweepEngine(new DockerRuntime(), { [DOCKER_LABELS.instance]: instance }, 20_000);
}

/** Env for a child that should use `configFile` (and the test image, etcd, Docker of this run). */
export function berthEnv(configFile: string): NodeJS.ProcessEnv {
  return { ...process.env, BERTH_CONFIG: configFile, BERTH_LOG_LEVEL: process.env.BERTH_LOG_LEVEL ?? 'warn' };
}

/** Starts `berth up` (or other serving args) and waits until its config file names a server that answers. */
export async function startBerthUp(args: string[], configFile: string, timeoutMs = 20_000): Promise<BerthProcess> {
  const before = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
  const child = spawn(process.execPath, [BERTH_BIN, ...args], { env: berthEnv(configFile), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((res) => child.once('exit', (code, signal) => res(code ?? signal ?? 'unknown')));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`berth ${args.join(' ')} exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`berth ${args.join(' ')} did not come up within ${timeoutMs} ms:\n${out}`);
    }
    const text = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
    if (text !== '' && text !== before && out.includes('is up at')) {
      // The context this `berth up` added (the current one when the file had none current before).
      const { server, token = '', caFile } = resolveConnection({}, { BERTH_CONFIG: configFile });
      const client = new HttpClient({ server, token, ...(caFile ? { ca: readFileSync(caFile) } : {}) });
      return { child, url: server, token, client, output: () => out, exited };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
