import { count, LINE_CAP, OUTPUT_CAP } from "./format.ts";

/** Fills the buffer with the next bytes of the source; 0 at the end. */
export type ReadChunk = (into: Buffer) => number;

export type Page =
  | { binary: true }
  | { binary: false; lines: string[]; offset: number; total: number };

const CHUNK = 64 * 1024;
/** Bytes that decide whether a file is binary: a NUL among them means it is. */
const SNIFF = 8000;
/** Bytes kept of one line: enough for LINE_CAP characters in any UTF-8. */
const KEEP = LINE_CAP * 4 + 4;

/**
 * Lines offset … offset+limit−1 of a source, and how many lines it has in all, reading it once
 * in 64 KiB chunks: memory stays bounded whatever the file's size or its longest line. Stops
 * early, short of `limit`, where the page would exceed `budget` characters.
 */
export function pageLines(read: ReadChunk, offset: number, limit: number, budget: number): Page {
  const chunk = Buffer.alloc(CHUNK);
  const pager = new LinePager(offset, limit, budget);
  let endsWithNewline = true;
  for (let first = true; ; first = false) {
    const n = read(chunk);
    if (n === 0) break;
    const bytes = chunk.subarray(0, n);
    if (first && bytes.subarray(0, SNIFF).includes(0)) return { binary: true };
    pager.feed(bytes);
    endsWithNewline = bytes[n - 1] === 10;
  }
  if (!endsWithNewline) pager.endLine();
  return { binary: false, lines: pager.lines, offset, total: pager.line - 1 };
}

/** Splits chunks into lines, keeping (the start of) those on the page and counting the rest. */
class LinePager {
  readonly lines: string[] = [];
  /** The number of the line being read. */
  line = 1;
  private readonly offset: number;
  private readonly limit: number;
  private readonly budget: number;
  private used = 0;
  private full = false;
  private kept: Buffer[] = [];
  private keptBytes = 0;
  private lineBytes = 0;

  constructor(offset: number, limit: number, budget: number) {
    this.offset = offset;
    this.limit = limit;
    this.budget = budget;
  }

  feed(bytes: Buffer): void {
    for (let start = 0; ; ) {
      const newline = bytes.indexOf(10, start);
      const end = newline === -1 ? bytes.length : newline;
      if (this.wanted() && this.keptBytes < KEEP) {
        // A copy: the chunk's buffer is overwritten by the next read.
        const piece = Buffer.from(
          bytes.subarray(start, Math.min(end, start + KEEP - this.keptBytes)),
        );
        this.kept.push(piece);
        this.keptBytes += piece.length;
      }
      this.lineBytes += end - start;
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  }

  endLine(): void {
    if (this.wanted()) {
      const text = decode(this.kept, this.lineBytes);
      if (this.lines.length > 0 && this.used + text.length > this.budget) this.full = true;
      else {
        this.lines.push(text);
        this.used += text.length + 8; // with the line number and tab in front
      }
    }
    this.kept = [];
    this.keptBytes = 0;
    this.lineBytes = 0;
    this.line++;
  }

  private wanted(): boolean {
    return !this.full && this.line >= this.offset && this.line < this.offset + this.limit;
  }
}

function decode(kept: Buffer[], lineBytes: number): string {
  let text = Buffer.concat(kept).toString("utf8");
  if (text.endsWith("\r")) text = text.slice(0, -1);
  if (text.length <= LINE_CAP) return text;
  return `${text.slice(0, LINE_CAP)}… [line cut at ${count(LINE_CAP)} chars; ${count(lineBytes)} bytes in all]`;
}

/** A source over text already in memory (the candidate's files, a diff). */
export function textSource(text: string): ReadChunk {
  const bytes = Buffer.from(text);
  let at = 0;
  return (into) => {
    const n = bytes.copy(into, 0, at);
    at += n;
    return n;
  };
}

/**
 * Numbered lines and the note that tells the model how to go on; `readOn` names the call for
 * the next page, e.g. "call read_file with offset=201".
 */
export function formatPage(
  page: { lines: string[]; offset: number; total: number },
  readOn: (nextOffset: number) => string,
): string {
  const last = page.offset + page.lines.length - 1;
  const width = String(last).length;
  const body = page.lines.map((text, i) => `${String(page.offset + i).padStart(width)}\t${text}`);
  const range = `lines ${count(page.offset)}–${count(last)} of ${count(page.total)}`;
  if (last < page.total) body.push(`[${range}; ${readOn(last + 1)} to read on]`);
  else if (page.offset > 1) body.push(`[${range}; end of file]`);
  return body.join("\n");
}

/** The page budget: the output cap less room for the closing note. */
export const PAGE_BUDGET = OUTPUT_CAP - 200;
