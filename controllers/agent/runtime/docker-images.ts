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
import type { RegistryAuth } from './types.js';

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

  ensure(image: string, auth?: RegistryAuth): Promise<void> {
    const ref = withDefaultTag(image);
    return this.inFlight.run(ref, () => this.presentOrPull(ref, auth));
  }

  private async presentOrPull(ref: string, auth: RegistryAuth | undefined): Promise<void> {
    const present = await dockerCall(
      `inspecting image ${ref}`,
      async () => {
        await this.docker.getImage(ref).inspect();
        return true;
      },
      (f) => (f.status === 404 ? { value: false } : undefined),
    );
    if (!present) await this.pull(ref, auth);
  }

  private async pull(ref: string, auth: RegistryAuth | undefined): Promise<void> {
    let stream: NodeJS.ReadableStream | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ImageUnavailableError(ref, `no answer from the registry within ${this.pullTimeoutMs} ms`)), this.pullTimeoutMs);
    });
    const pulling = (async () => {
      try {
        // The registry is the image's own (its first component when it names a host): Docker sends the credentials there.
        stream = await this.docker.pull(ref, auth ? { authconfig: { username: auth.username, password: auth.password, serveraddress: registryOf(ref) } } : {});
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

/** The registry host of an image reference (`registry.example.com:5000/app:1` → that host), Docker Hub's otherwise. */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'https://index.docker.io/v1/';
}
