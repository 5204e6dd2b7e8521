/** The most text one tool call returns; more would crowd the model's context out. */
export const OUTPUT_CAP = 20_000;
/** Lines longer than this are cut: a minified blob or a progress bar is noise to the model. */
export const LINE_CAP = 500;

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function cutLine(text: string, max = LINE_CAP): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [line cut at ${count(max)} of ${count(text.length)} chars]`;
}

/**
 * Cuts text at a line boundary to `max` chars, ending with a note that says how to read on: a
 * cut the model cannot see would look like the whole answer.
 */
export function capOutput(text: string, hint: string, max = OUTPUT_CAP): string {
  if (text.length <= max) return text;
  const newline = text.lastIndexOf("\n", max);
  const end = newline > max / 2 ? newline : max;
  return `${text.slice(0, end)}\n[output cut at ${count(end)} of ${count(text.length)} chars; ${hint}]`;
}

/** Compares names the way a person reads them: exp-2 before exp-10. */
export const naturalCompare = new Intl.Collator("en", { numeric: true }).compare;

export function error(message: string): string {
  return `error: ${message}`;
}
