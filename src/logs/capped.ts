import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';

/** Default cap of one log (agent or eval): its newest output, about this many bytes. */
export const DEFAULT_LOG_BYTES = 50 * 1024 * 1024;

/** The older half of a capped log, kept beside it. */
export const olderHalf = (file: string) => `${file}.1`;

/**
 * A log that keeps its newest output: writes go to `file` until it holds half the cap, then it
 * becomes `file.1` (replacing the older half) and a new `file` starts. So the two together
 * never pass the cap and always hold at least the last half of it.
 */
export class CappedLog {
  private fd: number;
  private size: number;
  private readonly half: number;

  constructor(
    private readonly file: string,
    maxBytes: number,
    flags: 'w' | 'a' = 'w',
  ) {
    this.half = Math.max(1, Math.floor(maxBytes / 2));
    this.fd = openSync(file, flags);
    this.size = flags === 'a' ? statSync(file).size : 0;
  }

  write(data: string | Buffer): void {
    let chunk = typeof data === 'string' ? Buffer.from(data) : data;
    // Of a chunk bigger than the whole cap, only its end can be kept.
    if (chunk.length > 2 * this.half) chunk = chunk.subarray(chunk.length - 2 * this.half);
    while (chunk.length) {
      if (this.size >= this.half) this.rotate();
      const piece = chunk.subarray(0, this.half - this.size);
      writeSync(this.fd, piece);
      this.size += piece.length;
      chunk = chunk.subarray(piece.length);
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    renameSync(this.file, olderHalf(this.file));
    this.fd = openSync(this.file, 'w');
    this.size = 0;
  }
}
