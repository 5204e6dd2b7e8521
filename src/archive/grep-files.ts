import { closeSync, readSync } from "node:fs";
import { setImmediate } from "node:timers/promises";
import { count, cutLine, OUTPUT_CAP } from "./format.ts";
import type { FileNode, VirtualFs } from "./virtual-fs.ts";

/** Files larger than this are skipped, and said to be. */
export const GREP_FILE_CAP = 32 * 1024 * 1024;
const GREP_LINE_CAP = 300;
/** Bytes searched between two yields to the event loop, so a long search does not stall it. */
const YIELD_EVERY = 8 * 1024 * 1024;
const TIME_LIMIT_MS = 10_000;

export interface GrepRequest {
  regex: RegExp;
  /** Set when the pattern is plain text: a byte search then skips files without it, undecoded. */
  literal?: string;
  maxMatches: number;
}

interface Tally {
  out: string[];
  chars: number;
  files: number;
  filesWithHits: number;
  binary: number;
  large: number;
  stop?: string;
}

/**
 * Searches whole files (a regex over the text, line numbers counted only up to each hit), which
 * is much faster than line by line in JavaScript. One file is in memory at a time.
 */
export async function grepFiles(
  fs: VirtualFs,
  files: Iterable<FileNode>,
  request: GrepRequest,
): Promise<string> {
  const t: Tally = { out: [], chars: 0, files: 0, filesWithHits: 0, binary: 0, large: 0 };
  const started = performance.now();
  let sinceYield = 0;
  const reader = new FileReader();
  for (const file of files) {
    const text = readText(fs, reader, file, request.literal, t);
    t.files++;
    if (text === undefined) continue;
    searchText(file.path, text, request, t);
    if (t.stop) break;
    sinceYield += text.length;
    if (sinceYield > YIELD_EVERY) {
      sinceYield = 0;
      await setImmediate();
      if (performance.now() - started > TIME_LIMIT_MS)
        t.stop = `stopped after ${TIME_LIMIT_MS / 1000} s at ${file.path}; narrow with path or glob`;
    }
  }
  return summary(request, t);
}

/** One buffer for every file of a search, grown to the largest: no allocation per file. */
class FileReader {
  private buffer = Buffer.allocUnsafe(1024 * 1024);

  read(fs: VirtualFs, file: FileNode, t: Tally): Buffer | undefined {
    let opened: { fd: number; size: number };
    try {
      opened = fs.openFile(file);
    } catch {
      return undefined; // gone since the walk, or not a regular file: nothing to search
    }
    const { fd, size } = opened;
    try {
      if (size > GREP_FILE_CAP) {
        t.large++;
        return undefined;
      }
      if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
      let length = 0;
      while (length < size) {
        const n = readSync(fd, this.buffer, length, size - length, null);
        if (n === 0) break; // the file shrank since its size was read
        length += n;
      }
      return this.buffer.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  }
}

function readText(
  fs: VirtualFs,
  reader: FileReader,
  file: FileNode,
  literal: string | undefined,
  t: Tally,
): string | undefined {
  if (file.text !== undefined)
    return literal === undefined || file.text.includes(literal) ? file.text : undefined;
  const bytes = reader.read(fs, file, t);
  if (bytes === undefined) return undefined;
  if (bytes.subarray(0, 8000).includes(0)) {
    t.binary++;
    return undefined;
  }
  if (literal !== undefined && bytes.indexOf(literal) === -1) return undefined;
  return bytes.toString("utf8");
}

function searchText(path: string, text: string, request: GrepRequest, t: Tally): void {
  const { regex } = request;
  regex.lastIndex = 0;
  let line = 1;
  let lineStart = 0;
  let hit = false;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    let newline = text.indexOf("\n", lineStart);
    while (newline !== -1 && newline < m.index) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf("\n", lineStart);
    }
    const lineEnd = newline === -1 ? text.length : newline;
    const shown = `${path}:${line}: ${cutLine(text.slice(lineStart, lineEnd).replace(/\r$/, ""), GREP_LINE_CAP)}`;
    hit = true;
    t.out.push(shown);
    t.chars += shown.length + 1;
    if (t.out.length >= request.maxMatches)
      t.stop = `stopped at ${count(request.maxMatches)} matching lines; more may follow: raise max_matches (up to 1,000) or narrow with path or glob`;
    else if (t.chars > OUTPUT_CAP - 400)
      t.stop = `stopped at ${count(t.out.length)} matching lines, the most one answer holds; narrow with path or glob`;
    // One report per line: go on from the next line, which also steps past empty matches.
    if (t.stop || lineEnd >= text.length) break;
    regex.lastIndex = lineEnd + 1;
  }
  if (hit) t.filesWithHits++;
}

function summary(request: GrepRequest, t: Tally): string {
  const skipped = [
    t.binary ? `${count(t.binary)} binary file${t.binary === 1 ? "" : "s"}` : "",
    t.large ? `${count(t.large)} file${t.large === 1 ? "" : "s"} over 32 MiB` : "",
  ].filter(Boolean);
  const notes = skipped.length ? [`[skipped ${skipped.join(" and ")}]`] : [];
  if (t.out.length === 0)
    return [`no matches for /${request.regex.source}/ in ${count(t.files)} files`, ...notes].join(
      "\n",
    );
  const end = t.stop
    ? `[${t.stop}]`
    : `[${count(t.out.length)} matching lines in ${count(t.filesWithHits)} of ${count(t.files)} files searched]`;
  return [...t.out, end, ...notes].join("\n");
}
