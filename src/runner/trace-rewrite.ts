import { constants } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";

const FLUSH_AT = 1024 * 1024;

/**
 * A trace file being rewritten beside itself (`<name>.<pid>.tmp`, then renamed over it), started
 * at the first line that must change: the lines before it are copied as bytes, the rest written
 * one by one through a small buffer.
 */
export class TraceRewrite {
  private readonly path: string;
  private readonly temp: string;
  private readonly out: FileHandle;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = 0;

  private constructor(path: string, temp: string, out: FileHandle) {
    this.path = path;
    this.temp = temp;
    this.out = out;
  }

  /** Opens the temp file and copies the first `upTo` bytes of `source` into it. */
  static async start(path: string, source: FileHandle, upTo: number): Promise<TraceRewrite> {
    const temp = `${path}.${process.pid}.tmp`;
    // Whatever lies at the temp name (a link the run planted, say) goes; O_EXCL makes a new file.
    await rm(temp, { force: true });
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
    const rewrite = new TraceRewrite(path, temp, await open(temp, flags, 0o644));
    try {
      const buffer = Buffer.allocUnsafe(FLUSH_AT);
      for (let at = 0; at < upTo; ) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(FLUSH_AT, upTo - at), at);
        if (bytesRead === 0) throw new Error("the file shrank while it was read");
        await rewrite.writeAll(buffer.subarray(0, bytesRead));
        at += bytesRead;
      }
    } catch (e) {
      await rewrite.abandon();
      throw e;
    }
    return rewrite;
  }

  /** Adds one line and its newline; the bytes must not change until the next flush. */
  async writeLine(bytes: Buffer): Promise<void> {
    this.pending.push(bytes, NEWLINE);
    this.pendingBytes += bytes.length + 1;
    if (this.pendingBytes >= FLUSH_AT) await this.flush();
  }

  /** Finishes the file and puts it in place of the original; returns its size. */
  async commit(): Promise<number> {
    await this.flush();
    await this.out.close();
    await rename(this.temp, this.path);
    return this.written;
  }

  async abandon(): Promise<void> {
    await this.out.close().catch(() => undefined);
    await rm(this.temp, { force: true });
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.writeAll(bytes);
  }

  private async writeAll(bytes: Buffer): Promise<void> {
    for (let at = 0; at < bytes.length; ) {
      const { bytesWritten } = await this.out.write(bytes, at, bytes.length - at);
      at += bytesWritten;
    }
    this.written += bytes.length;
  }
}

const NEWLINE = Buffer.from("\n");
