/**
 * `berth exec`: opens the exec WebSocket, copies the command's stdout and stderr to ours, our stdin
 * to it with -i (its end too, so `… | berth exec -i t -- cat` ends), and with -t a raw terminal and
 * its size, then exits with the command's exit code.
 */
import { taskExecPath } from '../../../api/paths.js';
import { openTaskStream } from '../../../api/client/task-stream.js';
import { EXEC_CHANNEL, ExecStatus, execQueryString, frame, messageBuffer, unframe } from '../../../api/usecases/tasks/stream-protocol.js';
import type { ExecFlags } from '../exec.js';
import { taskName } from './logs.js';
import { withSession } from './run.js';
import { streamConnection } from './stream-connection.js';

/** What `berth exec` exits with when the command could not run, or the session broke off. */
const FAILED = 1;

export default function runExec(flags: ExecFlags): Promise<number> {
  return withSession(flags, async ({ cluster: defaultCluster }, io) => {
    const cluster = flags.cluster ?? defaultCluster;
    const path = `${taskExecPath(cluster, taskName(flags.task))}?${execQueryString({
      ...(flags.container !== undefined ? { container: flags.container } : {}),
      command: flags.command,
      tty: flags.tty,
      stdin: flags.stdin,
    })}`;
    const ws = await openTaskStream(streamConnection(flags), path);
    const stdin = process.stdin;
    const raw = flags.tty && flags.stdin && stdin.isTTY;
    const sendSize = () => {
      if (io.stdout.columns && io.stdout.rows) ws.send(frame(EXEC_CHANNEL.resize, JSON.stringify({ cols: io.stdout.columns, rows: io.stdout.rows })));
    };
    if (flags.tty) {
      sendSize();
      io.stdout.on('resize', sendSize);
    }
    if (raw) stdin.setRawMode(true);
    if (flags.stdin) {
      stdin.on('data', (chunk: Buffer) => ws.send(frame(EXEC_CHANNEL.stdin, chunk)));
      stdin.once('end', () => ws.send(frame(EXEC_CHANNEL.stdinEnd)));
    }
    let result: ExecStatus | undefined;
    ws.on('message', (data) => {
      const message = unframe(messageBuffer(data));
      if (message?.channel === EXEC_CHANNEL.stdout) io.stdout.write(message.data);
      else if (message?.channel === EXEC_CHANNEL.stderr) io.stderr.write(message.data);
      else if (message?.channel === EXEC_CHANNEL.status) result = ExecStatus.safeParse(JSON.parse(message.data.toString())).data;
    });
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      ws.once('error', (err) => resolve({ code: 1006, reason: err.message }));
    });
    if (raw) stdin.setRawMode(false);
    io.stdout.off('resize', sendSize);
    stdin.pause();
    stdin.destroy();
    if (result?.exitCode !== undefined) return result.exitCode;
    io.stderr.write(
      `error: ${result?.error ?? `the exec session ended before the command did (WebSocket close ${closed.code}${closed.reason ? `: ${closed.reason}` : ''})`}\n`,
    );
    return FAILED;
  });
}
