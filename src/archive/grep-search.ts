import { NeedleFinder } from "./find-needle.ts";
import { cutLine, OUTPUT_CAP } from "./format.ts";
import type { GrepPlan } from "./grep-plan.ts";

const GREP_LINE_CAP = 300;

/** What searching one file gave: its matching lines, formatted, as many as an answer holds. */
export interface FileResult {
  lines: string[];
  binary: boolean;
  /** A line over MAX_LINE stopped the search of the file there. */
  longLine: boolean;
  /** The deadline passed while the file was searched. */
  late: boolean;
  bytes: number;
}

/** Collects one file's matching lines, up to the most a whole answer could show. */
export class FileSink {
  readonly result: FileResult = {
    lines: [],
    binary: false,
    longLine: false,
    late: false,
    bytes: 0,
  };
  private readonly path: string;
  private readonly maxMatches: number;
  private chars = 0;
  full = false;

  constructor(path: string, maxMatches: number) {
    this.path = path;
    this.maxMatches = maxMatches;
  }

  report(line: number, text: string): void {
    const shown = `${this.path}:${line}: ${cutLine(text.replace(/\r$/, ""), GREP_LINE_CAP)}`;
    this.result.lines.push(shown);
    this.chars += shown.length + 1;
    this.full = this.result.lines.length >= this.maxMatches || this.chars > OUTPUT_CAP - 400;
  }
}

/** Line numbers in a buffer, counted forward only as far as they are asked for. */
export class LineCounter {
  private readonly bytes: Buffer;
  private at = 0;
  private line: number;

  constructor(bytes: Buffer, firstLine: number) {
    this.bytes = bytes;
    this.line = firstLine;
  }

  /** The number of the line that starts at `offset`. */
  lineAt(offset: number): number {
    for (let nl = this.bytes.indexOf(10, this.at); nl !== -1 && nl < offset; ) {
      this.line++;
      this.at = nl + 1;
      nl = this.bytes.indexOf(10, this.at);
    }
    this.at = Math.max(this.at, offset);
    return this.line;
  }
}

/** Searches the whole lines in bytes[start, end). */
export function searchBytes(
  bytes: Buffer,
  start: number,
  end: number,
  lines: LineCounter,
  plan: GrepPlan,
  sink: FileSink,
): void {
  const finder = plan.needle && NeedleFinder.create(bytes, start, end, plan.needle, plan.caseless);
  if (finder) searchNeedle(bytes, start, end, finder, lines, plan, sink);
  else if (plan.caseless) searchLatin1(bytes, start, end, lines, plan.regex, sink);
  else searchText(bytes.toString("utf8", start, end), lines.lineAt(start), plan.regex, sink);
}

/** Finds the needle in bytes; decodes (and checks) only the lines that hold it. */
function searchNeedle(
  bytes: Buffer,
  start: number,
  end: number,
  finder: NeedleFinder,
  lines: LineCounter,
  plan: GrepPlan,
  sink: FileSink,
): void {
  for (let from = start; from < end; ) {
    const hit = finder.find(from, end);
    if (hit === -1) return;
    const lineStart = Math.max(start, bytes.lastIndexOf(10, hit) + 1);
    const lineEnd = endOfLine(bytes, hit, end);
    const text = bytes.toString("utf8", lineStart, lineEnd);
    if (plan.exact || plan.line.test(text)) {
      sink.report(lines.lineAt(lineStart), text);
      if (sink.full) return;
    }
    from = lineEnd + 1;
  }
}

/**
 * Runs the regex over the bytes as latin1 text, where a character's index is its byte's: for
 * an ASCII literal in any case whose bytes are all common in the file, this is cheaper than
 * checking candidates one by one, and cheaper than decoding UTF-8, with the same hits.
 */
function searchLatin1(
  bytes: Buffer,
  start: number,
  end: number,
  lines: LineCounter,
  regex: RegExp,
  sink: FileSink,
): void {
  const text = bytes.toString("latin1", start, end);
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const hit = start + m.index;
    const lineStart = Math.max(start, bytes.lastIndexOf(10, hit) + 1);
    const lineEnd = endOfLine(bytes, hit, end);
    sink.report(lines.lineAt(lineStart), bytes.toString("utf8", lineStart, lineEnd));
    if (sink.full || lineEnd >= end) return;
    regex.lastIndex = lineEnd + 1 - start;
  }
}

function endOfLine(bytes: Buffer, from: number, end: number): number {
  const newline = bytes.indexOf(10, from);
  return newline === -1 || newline > end ? end : newline;
}

/**
 * Runs the regex over decoded text, line numbers counted only up to each hit: for patterns
 * that offer no needle, and for the candidate's in-memory files.
 */
export function searchText(text: string, firstLine: number, regex: RegExp, sink: FileSink): void {
  regex.lastIndex = 0;
  let line = firstLine;
  let lineStart = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    let newline = text.indexOf("\n", lineStart);
    while (newline !== -1 && newline < m.index) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf("\n", lineStart);
    }
    const lineEnd = newline === -1 ? text.length : newline;
    sink.report(line, text.slice(lineStart, lineEnd));
    // One report per line: go on from the next line, which also steps past empty matches.
    if (sink.full || lineEnd >= text.length) break;
    regex.lastIndex = lineEnd + 1;
  }
}
