/**
 * The whitespace-tolerant half of search/replace: finds the one run of lines whose trimmed text
 * equals the search block's trimmed lines (blank lines at the block's ends do not count), and puts
 * the replacement there, re-indented by how far the file's indentation differs from the block's.
 */

export type FuzzyResult = { ok: true; text: string } | { ok: false; starts: number[] };

export function fuzzyReplace(text: string, search: string, replace: string): FuzzyResult {
  const block = trimBlankEnds(splitLines(search));
  const lines = text.split("\n");
  const starts = findRuns(lines, block.lines);
  const start = starts[0];
  if (starts.length !== 1 || start === undefined) return { ok: false, starts };
  const end = start + block.lines.length;
  const from = indentOf(block.lines[0] ?? "");
  const to = indentOf(lines[start] ?? "");
  const replacement = dropBlankEnds(replaceLines(replace), block.lead, block.trail);
  const crlf = text.includes("\r\n");
  const lastEnd = lines[end - 1]?.endsWith("\r") ? "\r" : "";
  const placed = replacement.map(
    (line, i) =>
      reindent(line, from, to) + (i === replacement.length - 1 ? lastEnd : crlf ? "\r" : ""),
  );
  return { ok: true, text: [...lines.slice(0, start), ...placed, ...lines.slice(end)].join("\n") };
}

/** Where each run of `lines` starts (0-based) whose trimmed lines equal the trimmed `wanted`. */
export function findRuns(lines: readonly string[], wanted: readonly string[]): number[] {
  const trimmed = lines.map((l) => l.trim());
  const target = wanted.map((l) => l.trim());
  const starts: number[] = [];
  for (let i = 0; i + target.length <= trimmed.length; i++) {
    if (target.every((t, j) => trimmed[i + j] === t)) starts.push(i);
  }
  return starts;
}

/** The block without its leading and trailing blank lines, and how many of each there were. */
export function trimBlankEnds(lines: readonly string[]): {
  lines: string[];
  lead: number;
  trail: number;
} {
  let first = 0;
  let last = lines.length;
  while (first < last && isBlank(lines[first])) first++;
  while (last > first && isBlank(lines[last - 1])) last--;
  return { lines: lines.slice(first, last), lead: first, trail: lines.length - last };
}

/** The lines of a block; a final newline ends the last line rather than starting a blank one. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines.at(-1) === "") lines.pop();
  return lines;
}

/** The replacement's lines; an empty replacement deletes the matched lines. */
function replaceLines(replace: string): string[] {
  return replace === "" ? [] : splitLines(replace);
}

/** Drops up to `lead`/`trail` blank lines at the ends, matching what was dropped from the search. */
function dropBlankEnds(lines: string[], lead: number, trail: number): string[] {
  let first = 0;
  let last = lines.length;
  while (first < lead && first < last && isBlank(lines[first])) first++;
  while (lines.length - last < trail && last > first && isBlank(lines[last - 1])) last--;
  return lines.slice(first, last);
}

function reindent(line: string, from: string, to: string): string {
  if (isBlank(line)) return "";
  if (line.startsWith(from)) return to + line.slice(from.length);
  const shift = to.length - from.length;
  if (shift >= 0) return to.slice(0, shift) + line;
  return line.slice(Math.min(-shift, indentOf(line).length));
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? "";
}

function isBlank(line: string | undefined): boolean {
  return line === undefined || line.trim() === "";
}
