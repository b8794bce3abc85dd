/**
 * WAL checkpoints on a thread of their own. SQLite copies the write-ahead log into the database file
 * at a checkpoint, and by default the connection that commits the 1,000th page runs it, inside that
 * commit, fsync included: on the embedded store that is the control plane's own thread, which
 * stalled every controller and request behind it (at 20,000 tasks the commits were ~28 % of that
 * thread's profile). Here the store's connection never checkpoints (wal_autocheckpoint = 0) and a
 * worker thread with its own connection runs a PASSIVE checkpoint every `intervalMs`: it copies what
 * no reader still needs and never blocks the writer. If the worker fails, the store's connection
 * takes checkpoints back (`onFailure`), so the log never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker, as CommonJS source: a file of its own would have to be compiled JavaScript, and the
 * store also runs from TypeScript sources under the test runner. The driver is passed in by path,
 * so the worker finds it wherever berth is installed, not relative to the working directory.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 1000 });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    // Busy with a writer's WAL restart, say: the next tick tries again.
    if (!(err && err.code === 'SQLITE_BUSY')) throw err;
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

export class BackgroundCheckpoints {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;

  constructor(file: string, intervalMs: number, onFailure: (reason: string) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: driverPath, file, intervalMs } });
    // A background chore: it must not keep a process alive that is otherwise done.
    this.worker.unref();
    this.worker.on('error', (err) => onFailure(err.message));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (!this.stopping) onFailure(`the checkpoint thread exited with code ${code}`);
        resolve();
      }),
    );
  }

  /** Stops the thread and closes its connection (before the store closes its own, which then checkpoints the rest). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.worker.postMessage('stop');
    await this.exited;
  }
}
