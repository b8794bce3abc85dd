/**
 * A child process the chaos harness starts and kills: its output kept (the last lines, for the
 * error of a process that would not come up), its exit awaited, signals sent by its own pid only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../api/log.js';

const KEEP_OUTPUT_CHARS = 8_000;

export class Proc {
  private child: ChildProcess | undefined;
  private out = '';
  private exit: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  start(): void {
    if (this.alive()) throw new Error(`chaos: ${this.name} is already running (pid ${this.child?.pid})`);
    const child = spawn(this.command, [...this.args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // CHAOS_LOG_DIR keeps each process's whole output, for reading a violation's story afterwards.
    const file = process.env.CHAOS_LOG_DIR ? join(process.env.CHAOS_LOG_DIR, `${this.name}.log`) : undefined;
    const keep = (d: Buffer) => {
      this.out = (this.out + d.toString()).slice(-KEEP_OUTPUT_CHARS);
      if (file !== undefined) appendFileSync(file, d);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => this.log.debug({ proc: this.name, pid: child.pid, code, signal }, 'process exited'));
    this.child = child;
    this.log.debug({ proc: this.name, pid: child.pid }, 'process started');
  }

  get pid(): number | undefined {
    return this.alive() ? this.child?.pid : undefined;
  }

  alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.out;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive()) this.child?.kill(sig);
  }

  /** SIGKILL and wait until it is gone (a stopped process dies of SIGKILL too). */
  async kill(): Promise<void> {
    if (!this.alive()) return;
    this.child?.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.alive()) return;
    this.child?.kill('SIGCONT');
    this.child?.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }
}

/** Polls `ready` until it is true, failing with the process's output when it dies or time runs out. */
export async function waitReady(proc: Proc, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.alive()) throw new Error(`chaos: ${proc.name} exited while starting:\n${proc.output()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`chaos: ${proc.name} was not ready within ${timeoutMs} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
