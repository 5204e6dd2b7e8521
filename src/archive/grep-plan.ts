/**
 * How a grep pattern can be searched in raw bytes, before anything is decoded: most searches
 * are for text that every matching line must contain, and Buffer.indexOf finds that text at
 * memory speed, while decoding a file and running a regex over all of it costs several times
 * more. Only the lines around a hit are then decoded (and checked with the regex).
 */
export interface GrepPlan {
  /** The pattern with the g flag, for a search over a whole decoded text. */
  regex: RegExp;
  /** The same without g, to check one line. */
  line: RegExp;
  /** Bytes every matching line contains (as written, or lowercase if `caseless`). */
  needle?: Buffer;
  /** Whether a line holding the needle matches without checking the regex. */
  exact: boolean;
  /** The needle is an ASCII literal that matches in any case (the pattern, with ignore_case). */
  caseless: boolean;
}

const SPECIAL = /[\\^$.*+?()[\]{}|]/;
/**
 * Escapes and constructs that can match a line break. A pattern that holds one may match across
 * lines in a whole-text search, so it is not checked one line at a time.
 */
const CROSSES_LINES = /\\[sWDnrxuc0-9]|\[\^|[\n\r]/;
const MIN_NEEDLE = 3;

export function grepPlan(regex: RegExp): GrepPlan {
  const source = regex.source;
  const line = new RegExp(source, regex.flags.replace("g", ""));
  const ignoreCase = regex.flags.includes("i");
  const plain = !SPECIAL.test(source) && !/[\n\r]/.test(source);
  const none = { regex, line, exact: false, caseless: false };
  if (plain && ignoreCase && isAscii(source))
    return { ...none, needle: Buffer.from(source.toLowerCase()), exact: true, caseless: true };
  if (plain && !ignoreCase) return { ...none, needle: Buffer.from(source), exact: true };
  if (CROSSES_LINES.test(source)) return none;
  const needle = requiredLiteral(source, ignoreCase);
  if (needle === undefined || Buffer.byteLength(needle) < MIN_NEEDLE) return none;
  return { ...none, needle: Buffer.from(needle) };
}

/**
 * The longest run of literal characters that every match contains, or undefined when there is
 * no such run (alternatives at the top level, or only classes and groups). Conservative: a
 * character followed by a quantifier, anything in a group and anything unusual ends a run.
 * With ignore-case only ASCII characters that are not letters count, since case does not
 * change them.
 */
export function requiredLiteral(source: string, ignoreCase: boolean): string | undefined {
  let best = "";
  let run = "";
  const end = () => {
    if (run.length > best.length) best = run;
    run = "";
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i] ?? "";
    if (c === "|") return undefined;
    const braces = c === "{" ? /^\{\d+(,\d*)?\}/.exec(source.slice(i, i + 24))?.[0] : undefined;
    if (c === "*" || c === "+" || c === "?" || braces !== undefined) {
      run = run.slice(0, -1); // the repeated character may be absent or repeated
      end();
      i += braces === undefined ? 0 : braces.length - 1;
      continue;
    }
    let literal: string | undefined;
    if (c === "\\") {
      const next = source[i + 1] ?? "";
      i++;
      if (next !== "" && !/[A-Za-z0-9]/.test(next)) literal = next;
    } else if (c === "(") i = groupEnd(source, i);
    else if (c === "[") i = classEnd(source, i);
    else if (!"^$.)]{}".includes(c)) literal = c;
    if (literal !== undefined && (!ignoreCase || /^[\x20-\x40\x5b-\x60\x7b-\x7e]$/.test(literal)))
      run += literal;
    else end();
  }
  end();
  return best === "" ? undefined : best;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Index of the `)` closing the group that opens at `start`. */
function groupEnd(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(source, i);
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return source.length;
}

/** Index of the `]` closing the character class that opens at `start`. */
function classEnd(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]" && i > start + 1) return i;
  }
  return source.length;
}
