/**
 * Images: use what the engine has, pull only what it lacks, and never pull the same image twice at
 * once. Machines without a registry (CI, air-gapped hosts) load images with `docker load`; there a
 * pull fails at once (the registry's name does not resolve), and the timeout bounds the other case,
 * a registry that resolves but never answers.
 */
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { dockerCall, dockerFailure } from './docker-error.js';
import { PullProgress } from './docker-schemas.js';
import { ImageUnavailableError } from './errors.js';
import { SingleFlight } from '../single-flight.js';

/** `busybox` → `busybox:latest`, as Docker resolves it; digests and explicit tags stay as they are. */
export function withDefaultTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? image : `${image}:latest`;
}

export class ImageEnsurer {
  /** Pulls under way: containers of one image pull it once. */
  private readonly inFlight = new SingleFlight<void>();

  constructor(
    private readonly docker: Docker,
    private readonly pullTimeoutMs: number,
  ) {}

  ensure(image: string): Promise<void> {
    const ref = withDefaultTag(image);
    return this.inFlight.run(ref, () => this.presentOrPull(ref));
  }

  private async presentOrPull(ref: string): Promise<void> {
    const present = await dockerCall(
      `inspecting image ${ref}`,
      async () => {
        await this.docker.getImage(ref).inspect();
        return true;
      },
      (f) => (f.status === 404 ? { value: false } : undefined),
    );
    if (!present) await this.pull(ref);
  }

  private async pull(ref: string): Promise<void> {
    let stream: NodeJS.ReadableStream | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ImageUnavailableError(ref, `no answer from the registry within ${this.pullTimeoutMs} ms`)),
        this.pullTimeoutMs,
      );
    });
    const pulling = (async () => {
      try {
        stream = await this.docker.pull(ref);
      } catch (error) {
        throw new ImageUnavailableError(ref, dockerFailure(error).message);
      }
      const output = await new Promise<unknown[]>((resolve, reject) => {
        const s = stream;
        if (!s) return resolve([]);
        this.docker.modem.followProgress(s, (err: Error | null, out: unknown[]) => (err ? reject(new ImageUnavailableError(ref, err.message)) : resolve(out)));
      });
      // Docker reports a failed pull inside a 200 response, as a progress line with `error`.
      for (const line of output) {
        const progress = PullProgress.safeParse(line);
        const message = progress.success ? (progress.data.errorDetail?.message ?? progress.data.error) : undefined;
        if (message) throw new ImageUnavailableError(ref, message);
      }
    })();
    try {
      await Promise.race([pulling, timeout]);
    } finally {
      clearTimeout(timer);
      if (stream instanceof Readable && !stream.readableEnded) stream.destroy();
      pulling.catch(() => undefined); // settled after a timeout; its error is already reported
    }
  }
}
