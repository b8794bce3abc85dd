/**
 * Docker exec for `berth exec`: a process started in a running container, its stdin, stdout and
 * stderr through the engine's hijacked connection (demultiplexed unless it has a TTY), its TTY
 * resized on request, and its exit code once it ends. Its own module: the rest of the runtime never
 * holds a session open.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import { dockerCall } from './docker-error.js';
import { DockerExecInspect, parseDocker } from './docker-schemas.js';
import { ContainerNotFoundError, ContainerNotRunningError } from './errors.js';
import type { ExecRequest, ExecSession } from './types.js';

/** Docker may report the process as running for a moment after its output ended. */
const EXIT_POLL_MS = 50;
const EXIT_POLL_TRIES = 100;

export async function dockerExec(docker: Docker, id: string, request: ExecRequest): Promise<ExecSession> {
  const exec = await dockerCall(
    `starting ${JSON.stringify(request.command[0] ?? '')} in ${id}`,
    () =>
      docker.getContainer(id).exec({
        Cmd: request.command,
        AttachStdin: request.stdin,
        AttachStdout: true,
        AttachStderr: true,
        Tty: request.tty,
        ...(request.tty && request.size ? { ConsoleSize: [request.size.rows, request.size.cols] } : {}),
      }),
    (f) => (f.status === 404 ? new ContainerNotFoundError(id, 'exec') : f.status === 409 ? new ContainerNotRunningError(id) : undefined),
  );
  const stream = await dockerCall(`attaching to the exec in ${id}`, () => exec.start({ hijack: true, stdin: request.stdin, Tty: request.tty }));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (request.tty) stream.pipe(stdout);
  else docker.modem.demuxStream(stream, stdout, stderr);
  const ended = new Promise<void>((resolve) => {
    const done = () => {
      stdout.end();
      stderr.end();
      resolve();
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
  const exitCode = ended.then(async () => {
    for (let i = 0; ; i++) {
      const inspected = parseDocker(DockerExecInspect, 'exec inspect', await dockerCall(`inspecting the exec in ${id}`, () => exec.inspect()));
      if (!inspected.Running || i >= EXIT_POLL_TRIES) return inspected.ExitCode ?? -1;
      await new Promise((r) => setTimeout(r, EXIT_POLL_MS));
    }
  });
  // Without stdin attached, the write side has nothing to say.
  const stdin: Writable = request.stdin ? stream : new PassThrough();
  return {
    stdin,
    stdout: stdout as Readable,
    stderr: stderr as Readable,
    exitCode,
    async resize(cols, rows) {
      if (!request.tty) return;
      await dockerCall(`resizing the exec in ${id}`, () => exec.resize({ h: rows, w: cols }));
    },
    close() {
      stream.destroy();
    },
  };
}
