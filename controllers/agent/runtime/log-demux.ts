/**
 * Docker multiplexes a container's stdout and stderr into one stream of frames (when the container
 * has no TTY): an 8-byte header — stream id, three zero bytes, a big-endian uint32 length — then the
 * payload. This Transform strips the headers and passes the payloads on, in order, as one stream.
 * Frames may arrive split across chunks or several to a chunk.
 */
import { Transform, type TransformCallback } from 'node:stream';

const HEADER_BYTES = 8;

export class DockerLogDemuxer extends Transform {
  private pending: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= HEADER_BYTES) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER_BYTES + size) break;
      this.push(this.pending.subarray(HEADER_BYTES, HEADER_BYTES + size));
      this.pending = this.pending.subarray(HEADER_BYTES + size);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    // A truncated last frame (the container was removed mid-write): keep what arrived.
    if (this.pending.length > HEADER_BYTES) this.push(this.pending.subarray(HEADER_BYTES));
    done();
  }
}

/** One frame, as Docker writes it; for tests and for the simulated runtime. */
export function dockerLogFrame(stream: 'stdout' | 'stderr', text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(stream === 'stdout' ? 1 : 2, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
