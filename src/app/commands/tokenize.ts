/** Words of a command line, or why the line cannot be split into words. */
export type Tokenized = { ok: true; tokens: string[] } | { ok: false; error: string };

/**
 * Splits a command line the way a POSIX shell does, because that is what people type into a
 * comment without thinking: blanks separate words; single quotes keep everything literally;
 * double quotes keep everything but `\"` and `\\`; outside quotes a backslash keeps the next
 * character. Quotes join with their neighbours (`--budget="5m"` is one word), and `""` is an
 * empty word rather than nothing, so a missing value can be told from an empty one.
 */
export function tokenize(line: string): Tokenized {
  const chars = [...line];
  const tokens: string[] = [];
  let current = "";
  let inWord = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    if (/\s/u.test(c)) {
      if (inWord) tokens.push(current);
      current = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') {
      const quoted = readQuoted(chars, i);
      if (quoted === undefined) return { ok: false, error: unclosed(chars, i) };
      current += quoted.text;
      i = quoted.end;
    } else if (c === "\\" && i + 1 < chars.length) {
      current += chars[++i] ?? "";
    } else {
      current += c;
    }
  }
  if (inWord) tokens.push(current);
  return { ok: true, tokens };
}

/** The text of the quote opening at `start` and the index of its closing quote; undefined when unclosed. */
function readQuoted(chars: string[], start: number): { text: string; end: number } | undefined {
  const quote = chars[start];
  let text = "";
  for (let i = start + 1; i < chars.length; i++) {
    const c = chars[i] ?? "";
    if (c === quote) return { text, end: i };
    const next = chars[i + 1];
    // Inside double quotes only `\"` and `\\` are escapes, as in a shell; other backslashes stay.
    if (quote === '"' && c === "\\" && (next === '"' || next === "\\")) {
      text += next;
      i++;
    } else {
      text += c;
    }
  }
  return undefined;
}

function unclosed(chars: string[], start: number): string {
  const quote = chars[start] === '"' ? "double" : "single";
  const shown = chars.slice(start, start + 20).join("");
  const more = chars.length > start + 20 ? "…" : "";
  return `The ${quote} quote in ${inlineCode(`${shown}${more}`)} is never closed; close it, or put a backslash before it to mean the character itself.`;
}

/** Inline code that survives backticks in the text: the fence is one backtick longer than any run inside. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || text === "" ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
