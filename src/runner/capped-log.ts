import { closeSync, openSync, writeSync } from "node:fs";
import { ByteRing } from "./byte-ring.ts";

/** Room kept for the omission line, so the file never exceeds the limit. */
const MARKER_RESERVE = 64;
/** A tail that starts mid-line is trimmed to the next newline if one comes this soon. */
const LINE_SEARCH = 4096;
const RECENT_BYTES = 8192;

/**
 * run.log with a byte cap: the head is written as it comes (so a live log exists), the tail is
 * held in a ring and appended on close, with one `… [N bytes omitted] …` line between. Memory
 * stays about the cap whatever the command prints.
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

  constructor(path: string, limit: number) {
    this.path = path;
    this.#headCap = Math.floor(limit / 2);
    this.#tail = new ByteRing(Math.max(1, limit - this.#headCap - MARKER_RESERVE));
    this.#fd = openSync(path, "w");
  }

  write(chunk: Buffer | string): void {
    if (this.#closed) return;
    let rest = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    if (rest.length === 0) return;
    this.#total += rest.length;
    this.#lastByte = rest[rest.length - 1];
    this.#recent.push(rest);
    const room = this.#headCap - this.#headWritten;
    if (room > 0) {
      const head = rest.subarray(0, room);
      writeSync(this.#fd, head);
      this.#headWritten += head.length;
      this.#headLastByte = head[head.length - 1];
      rest = rest.subarray(head.length);
    }
    if (rest.length > 0) this.#tail.push(rest);
  }

  /** Writes `text` as a line of its own, even when the output so far ended mid-line. */
  writeLine(text: string): void {
    const newline = this.#lastByte === undefined || this.#lastByte === 0x0a ? "" : "\n";
    this.write(`${newline}${text}\n`);
  }

  /** The last ~`chars` characters written, for result.json's log_tail. */
  recentText(chars = 2000): string {
    return this.#recent.text().slice(-chars);
  }

  /** Appends the tail and closes the file; later writes are ignored. */
  close(): { bytes: number; omitted: number } {
    if (this.#closed) return { bytes: this.#total, omitted: 0 };
    this.#closed = true;
    let tail = this.#tail.contents();
    let omitted = this.#total - this.#headWritten - tail.length;
    if (omitted > 0) {
      const newline = tail.subarray(0, LINE_SEARCH).indexOf(0x0a);
      if (newline >= 0) tail = tail.subarray(newline + 1);
      omitted = this.#total - this.#headWritten - tail.length;
      const headEndsLine = this.#headWritten === 0 || this.#headLastByte === 0x0a;
      writeSync(this.#fd, `${headEndsLine ? "" : "\n"}… [${omitted} bytes omitted] …\n`);
    }
    writeSync(this.#fd, tail);
    closeSync(this.#fd);
    return { bytes: this.#total, omitted };
  }
}
