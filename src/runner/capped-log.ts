import { closeSync, openSync, writeSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { noRedaction, type Redactor, RedactStream } from "../core/index.ts";
import { ByteRing } from "./byte-ring.ts";

/** Room kept for the omission line, so the file never exceeds the limit. */
const MARKER_RESERVE = 64;
/** A tail that starts mid-line is trimmed to the next newline if one comes this soon. */
const LINE_SEARCH = 4096;
const RECENT_BYTES = 8192;

/**
 * run.log with a byte cap: the head is written as it comes (so a live log exists), the tail is
 * held in a ring and appended on close, with one `… [N bytes omitted] …` line between. Memory
 * stays about the cap whatever the command prints. Secrets are redacted before a byte is kept,
 * a secret split across two writes included. A failed write (a full disk) does not throw into
 * the output handler that called it: the log stops, and close() throws that failure.
 */
export class CappedLog {
  readonly path: string;
  readonly #fd: number;
  readonly #headCap: number;
  readonly #tail: ByteRing;
  readonly #recent = new ByteRing(RECENT_BYTES);
  #headWritten = 0;
  #total = 0;
  #lastByte: number | undefined;
  #headLastByte: number | undefined;
  #closed = false;
  readonly redact: Redactor;
  readonly #stream: RedactStream | undefined;
  readonly #decoder = new StringDecoder("utf8");
  #failure: unknown;

  constructor(path: string, limit: number, redact: Redactor = noRedaction) {
    this.path = path;
    this.redact = redact;
    this.#stream = redact.secrets.length > 0 ? new RedactStream(redact) : undefined;
    this.#headCap = Math.floor(limit / 2);
    this.#tail = new ByteRing(Math.max(1, limit - this.#headCap - MARKER_RESERVE));
    this.#fd = openSync(path, "w");
  }

  write(chunk: Buffer | string): void {
    if (this.#closed || this.#failure !== undefined) return;
    if (!this.#stream) {
      this.#keep(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      return;
    }
    const text = typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
    this.#keep(Buffer.from(this.#stream.write(text), "utf8"));
  }

  #keep(chunk: Buffer): void {
    try {
      this.#append(chunk);
    } catch (error) {
      this.#failure = error;
    }
  }

  #append(chunk: Buffer): void {
    let rest = chunk;
    if (rest.length === 0) return;
    this.#total += rest.length;
    this.#lastByte = rest[rest.length - 1];
    this.#recent.push(rest);
    const room = this.#headCap - this.#headWritten;
    if (room > 0) {
      const head = rest.subarray(0, room);
      writeAll(this.#fd, head);
      this.#headWritten += head.length;
      this.#headLastByte = head[head.length - 1];
      rest = rest.subarray(head.length);
    }
    if (rest.length > 0) this.#tail.push(rest);
  }

  /** Writes `text` as a line of its own, even when the output so far ended mid-line. */
  writeLine(text: string): void {
    this.#flush();
    const newline = this.#lastByte === undefined || this.#lastByte === 0x0a ? "" : "\n";
    this.write(`${newline}${text}\n`);
  }

  /** Lets out what the redaction still holds back (an unfinished last line). */
  #flush(): void {
    if (!this.#stream || this.#failure !== undefined) return;
    this.#keep(Buffer.from(this.#stream.write(this.#decoder.end()) + this.#stream.end(), "utf8"));
  }

  /** The last ~`chars` characters written, for result.json's log_tail. */
  recentText(chars = 2000): string {
    this.#flush();
    return this.#recent.text().slice(-chars);
  }

  /**
   * Appends the tail and closes the file; later writes are ignored. Throws when a write failed,
   * so that a log cut short by a full disk is never taken for the whole output.
   */
  close(): { bytes: number; omitted: number } {
    if (this.#closed) return { bytes: this.#total, omitted: 0 };
    this.#flush();
    this.#closed = true;
    try {
      if (this.#failure === undefined) return this.#finish();
    } catch (error) {
      this.#failure = error;
    } finally {
      closeSync(this.#fd);
    }
    throw new Error(`cannot write the run's log ${this.path}`, { cause: this.#failure });
  }

  #finish(): { bytes: number; omitted: number } {
    let tail = this.#tail.contents();
    let omitted = this.#total - this.#headWritten - tail.length;
    if (omitted > 0) {
      const newline = tail.subarray(0, LINE_SEARCH).indexOf(0x0a);
      if (newline >= 0) tail = tail.subarray(newline + 1);
      omitted = this.#total - this.#headWritten - tail.length;
      const headEndsLine = this.#headWritten === 0 || this.#headLastByte === 0x0a;
      writeAll(this.#fd, `${headEndsLine ? "" : "\n"}… [${omitted} bytes omitted] …\n`);
    }
    writeAll(this.#fd, tail);
    return { bytes: this.#total, omitted };
  }
}

/** A write to a filling disk can take part of the bytes and fail only on the next call. */
function writeAll(fd: number, data: Buffer | string): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}
