import { findRuns, fuzzyReplace, splitLines, trimBlankEnds } from "./edit-fuzzy.ts";

export type MatchResult =
  | { ok: true; text: string }
  | { ok: false; reason: "blank" | "ambiguous" | "not-found"; problem: string };

const SHOWN = 5;

/**
 * Replaces the one place in `text` where `search` occurs: exactly if it occurs once, else ignoring
 * indentation and trailing spaces (see fuzzyReplace). Keeps the file's line endings. On failure,
 * `problem` is the rest of a sentence for the model: what was wrong and how to fix it.
 */
export function replaceOnce(text: string, search: string, replace: string): MatchResult {
  if (search.trim() === "") {
    const problem = "search is blank; copy at least one non-blank line of the file into it";
    return { ok: false, reason: "blank", problem };
  }
  const eol = eolOf(text);
  const wanted = eol ? toEol(search, eol) : search;
  const at = occurrences(text, wanted);
  const first = at[0];
  if (at.length === 1 && first !== undefined) {
    const put = eol ? toEol(replace, eol) : replace;
    return { ok: true, text: text.slice(0, first) + put + text.slice(first + wanted.length) };
  }
  if (at.length > 1)
    return ambiguous(
      at.length,
      at.map((i) => lineAt(text, i)),
      "",
    );
  const fuzzy = fuzzyReplace(text, search, replace);
  if (fuzzy.ok) return fuzzy;
  const lines = fuzzy.starts.map((i) => i + 1);
  if (lines.length > 1) return ambiguous(lines.length, lines, " when indentation is ignored");
  return { ok: false, reason: "not-found", problem: notFound(text, search) };
}

/** `"\r\n"` for a CRLF file, `"\n"` for an LF one, undefined for a file of one line. */
export function eolOf(text: string): string | undefined {
  if (text.includes("\r\n")) return "\r\n";
  return text.includes("\n") ? "\n" : undefined;
}

export function toEol(text: string, eol: string): string {
  return text.replace(/\r?\n/g, eol);
}

/** Every index where `part` starts in `text`, overlapping ones included. */
function occurrences(text: string, part: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(part); i !== -1; i = text.indexOf(part, i + 1)) found.push(i);
  return found;
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

function ambiguous(count: number, lines: number[], how: string): MatchResult {
  const shown = lines.slice(0, SHOWN).join(", ") + (lines.length > SHOWN ? ", …" : "");
  const problem = `the search text occurs ${count} times${how} (at lines ${shown}); add surrounding lines to search to make it unique, so that it matches exactly one place`;
  return { ok: false, reason: "ambiguous", problem };
}

function notFound(text: string, search: string): string {
  const block = trimBlankEnds(splitLines(search)).lines;
  const firstLine = clip((block[0] ?? "").trim());
  return `the search text was not found, not even when ignoring indentation and trailing spaces; its first line is ${firstLine}${closest(text, block)}. Read the file first and copy the lines to replace exactly as they are now`;
}

/** Where the longest leading part of the block does match, and the first line that differs. */
function closest(text: string, block: readonly string[]): string {
  const lines = text.split("\n");
  let best = { start: -1, length: 0 };
  for (let length = 1; length < block.length; length++) {
    const start = findRuns(lines, block.slice(0, length))[0];
    if (start === undefined) break;
    best = { start, length };
  }
  if (best.length === 0) return "";
  const { start, length } = best;
  const fileLine = lines[start + length];
  const there =
    fileLine === undefined ? "the file ends there" : `the file has ${clip(fileLine.trim())}`;
  return ` (its first ${length === 1 ? "line matches" : `${length} lines match`} line ${start + 1} of the file, but then ${there} where search has ${clip((block[length] ?? "").trim())})`;
}

function clip(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}
