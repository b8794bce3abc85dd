/**
 * WAL checkpoints on a thread of their own. SQLite copies the write-ahead log into the database file
 * at a checkpoint, and by default the connection whose commit takes the log past 1,000 pages runs
 * it, inside that commit, fsync included: on the embedded store that is the control plane's own
 * thread, which stalled every controller and request behind it (at 20,000 tasks the commits were
 * ~28 % of that thread's profile). Here the store's connection never checkpoints
 * (wal_autocheckpoint = 0): it counts what its commits wrote and, every `afterBytes` (about SQLite's
 * own 1,000 pages), asks a worker thread with a connection of its own for a PASSIVE checkpoint,
 * which copies what no reader still needs and never blocks the writer. So checkpoints come as
 * often as before, off the thread. If the worker fails, the store's connection takes checkpoints
 * back (`onFailure`), so the log never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** About SQLite's default wal_autocheckpoint (1,000 pages of 4 KiB). */
export const CHECKPOINT_AFTER_BYTES = 4 * 2 ** 20;

/**
 * The worker, as CommonJS source: a file of its own would have to be compiled JavaScript, and the
 * store also runs from TypeScript sources under the test runner. The driver is passed in by path,
 * so the worker finds it wherever berth is installed, not relative to the working directory.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 1000 });
parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      // Busy with a writer's WAL restart, say: the next request tries again.
      if (!(err && err.code === 'SQLITE_BUSY')) throw err;
    }
    return;
  }
  db.close();
  parentPort.close();
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

export class BackgroundCheckpoints {
  /** Started with the first checkpoint: a store that never writes ~4 MiB never pays for a thread. */
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private written = 0;

  constructor(
    private readonly file: string,
    private readonly afterBytes: number,
    private readonly onFailure: (reason: string) => void,
  ) {}

  /** A commit wrote about `bytes` to the log: past `afterBytes` since the last, the thread checkpoints. */
  wrote(bytes: number): void {
    this.written += bytes;
    if (this.written < this.afterBytes || this.stopping) return;
    this.written = 0;
    (this.worker ??= this.start()).postMessage('checkpoint');
  }

  /** Stops the thread and closes its connection (before the store closes its own, which then checkpoints the rest). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.worker?.postMessage('stop');
    await this.exited;
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: driverPath, file: this.file } });
    // A background chore: it must not keep a process alive that is otherwise done.
    worker.unref();
    worker.on('error', (err) => this.onFailure(err.message));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (!this.stopping) this.onFailure(`the checkpoint thread exited with code ${code}`);
        resolve();
      }),
    );
    return worker;
  }
}
