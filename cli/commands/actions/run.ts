/** The frame of every client command: connect, run, print errors kubectl-style, close, exit code. */
import { formatError } from '../../output/errors.js';
import { connect, type Session } from '../connect.js';
import type { GlobalFlags } from '../global-options.js';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr };

/** Runs `body` with a session; any error it throws is printed on stderr and makes exit code `errorCode` (1). */
export async function withSession(
  flags: GlobalFlags,
  body: (session: Session, io: Io) => Promise<number>,
  { io = processIo, errorCode = 1 }: { io?: Io; errorCode?: number } = {},
): Promise<number> {
  let session: Session | undefined;
  try {
    session = connect(flags);
    return await body(session, io);
  } catch (err) {
    io.stderr.write(`${formatError(err)}\n`);
    return errorCode;
  } finally {
    session?.close();
  }
}

/** Runs `body` and prints a thrown error, for the parts of a command before it connects. */
export async function reportErrors(body: () => Promise<number>, io: Io = processIo): Promise<number> {
  try {
    return await body();
  } catch (err) {
    io.stderr.write(`${formatError(err)}\n`);
    return 1;
  }
}
