import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { GrepPlan } from "./grep-plan.ts";
import { type FileResult, FileSink, LineCounter, searchBytes, searchText } from "./grep-search.ts";
import { isHardLink } from "./hard-link.ts";

/** Files up to this size are read whole; larger ones a window at a time. */
const WHOLE_FILE = 32 * 1024 * 1024;
const WINDOW = 16 * 1024 * 1024;
/** A line longer than this ends the search of its file, with a note. */
const MAX_LINE = 64 * 1024 * 1024;

/** A file to search: on disk, or text in memory (the candidate's files). */
export interface SearchTarget {
  path: string;
  disk?: string;
  text?: string;
}

/** Searches files in order, stopping after one that fills an answer or runs past the deadline. */
export function searchBatch(
  files: readonly SearchTarget[],
  plan: GrepPlan,
  maxMatches: number,
  reader: FileReader,
  deadline: number,
): FileResult[] {
  const results: FileResult[] = [];
  for (const file of files) {
    const sink = new FileSink(file.path, maxMatches);
    if (file.text !== undefined) searchText(file.text, 1, plan.regex, sink);
    else reader.search(file.disk ?? "", plan, sink, deadline);
    results.push(sink.result);
    if (sink.full || sink.result.late) break;
  }
  return results;
}

/**
 * Opens a file without following a link swapped in since it was resolved and without blocking
 * on a FIFO; undefined when it is gone, not a regular file, or a hard link.
 */
export function openRegular(disk: string): { fd: number; size: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(disk, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    // A hard link may be another name of any file on the disk (see hard-link.ts).
    if (stat.isFile() && !isHardLink(stat)) return { fd, size: stat.size };
  } catch {
    // gone since the walk, or a link: nothing to search
  }
  if (fd !== undefined) closeSync(fd);
  return undefined;
}

/** One buffer for every file a searcher reads, grown to the largest file or line. */
export class FileReader {
  private buffer = Buffer.allocUnsafe(1024 * 1024);

  /** Searches a file on disk; `deadline` (Date.now() time) is checked between windows. */
  search(disk: string, plan: GrepPlan, sink: FileSink, deadline = Infinity): void {
    const opened = openRegular(disk);
    if (!opened) return;
    try {
      if (opened.size > WHOLE_FILE) this.searchWindows(opened.fd, plan, sink, deadline);
      else {
        const bytes = this.readWhole(opened.fd, opened.size);
        sink.result.bytes = bytes.length;
        if (isBinary(bytes)) sink.result.binary = true;
        else searchBytes(bytes, 0, bytes.length, new LineCounter(bytes, 1), plan, sink);
      }
    } finally {
      closeSync(opened.fd);
    }
  }

  private readWhole(fd: number, size: number): Buffer {
    if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
    let length = 0;
    while (length < size) {
      const n = readSync(fd, this.buffer, length, size - length, null);
      if (n === 0) break; // the file shrank since its size was read
      length += n;
    }
    return this.buffer.subarray(0, length);
  }

  /** Whole lines a window at a time; the partial line at a window's end starts the next. */
  private searchWindows(fd: number, plan: GrepPlan, sink: FileSink, deadline: number): void {
    if (this.buffer.length < WINDOW) this.buffer = Buffer.allocUnsafe(WINDOW);
    let carry = 0;
    let firstLine = 1;
    for (let first = true; ; first = false) {
      if (carry === this.buffer.length) {
        if (carry >= MAX_LINE) {
          sink.result.longLine = true;
          return;
        }
        const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
        this.buffer.copy(bigger, 0, 0, carry);
        this.buffer = bigger;
      }
      const n = readSync(fd, this.buffer, carry, this.buffer.length - carry, null);
      const end = carry + n;
      if (first && isBinary(this.buffer.subarray(0, end))) {
        sink.result.binary = true;
        return;
      }
      const cut = n === 0 ? end : this.buffer.lastIndexOf(10, end - 1) + 1;
      if (cut > 0) {
        const lines = new LineCounter(this.buffer, firstLine);
        searchBytes(this.buffer, 0, cut, lines, plan, sink);
        sink.result.bytes += cut;
        if (sink.full || n === 0) return;
        if (Date.now() > deadline) {
          sink.result.late = true;
          return;
        }
        firstLine = lines.lineAt(cut);
        this.buffer.copyWithin(0, cut, end);
      } else if (n === 0) return;
      carry = end - cut;
    }
  }
}

function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}
