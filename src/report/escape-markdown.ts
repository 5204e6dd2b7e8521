/**
 * Proposer-written text (descriptions, hypotheses, failure reasons) goes into comments that
 * the App posts with its own authority, so it is rendered inert: on one line (a newline would
 * end a table row), cut to a length (a comment has a size limit), and with markdown and HTML
 * characters escaped (a `|` would split a table cell, a `<!--` could forge our marker, a
 * backtick could open a code span that swallows the rest of the row).
 */
export function escapeMarkdown(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  const line = text.replace(/\s+/gu, " ").trim();
  const chars = [...line];
  // Cut before escaping, so an escape sequence is never split in half.
  const cut = chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join("")}…` : line;
  return (
    cut
      .replaceAll("&", "&amp;")
      .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
      // A zero-width space after @ keeps a proposer's text from notifying people (as renovate does).
      .replaceAll("@", "@&#8203;")
  );
}

/**
 * Text as an inline code span. Markdown escapes do not work inside code (a `\_` would show its
 * backslash), so the text is kept as it is and fenced with more backticks than any run inside.
 */
export function codeSpan(text: string, maxLength = 100): string {
  const line = [...text.replace(/\s+/gu, " ").trim()];
  const cut = line.length > maxLength ? `${line.slice(0, maxLength - 1).join("")}…` : line.join("");
  const longest = Math.max(0, ...[...cut.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = cut.startsWith("`") || cut.endsWith("`") ? " " : "";
  return `${fence}${pad}${cut}${pad}${fence}`;
}

/** A link target that cannot end the markdown link early. */
export function escapeUrl(url: string): string {
  return url.replace(/[\s()<>]/g, (c) => encodeURIComponent(c));
}

/**
 * Multi-line text shown as it is (an error's output): a fenced block whose fence is longer
 * than any run of backticks inside, so the text cannot close it.
 */
export function fencedBlock(text: string, maxLength = 2000): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}\n… (cut)` : text;
  const longest = Math.max(0, ...[...cut.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${cut.replace(/\s+$/u, "")}\n${fence}`;
}
