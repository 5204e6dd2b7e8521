/**
 * A tokenizer-free estimate (about four characters a token for English and code). The prompt is
 * assembled against it; caps are enforced on the API's own usage figures.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Cuts text to about `tokens` tokens, at a line boundary, saying what was left out and where to read it. */
export function clip(text: string, tokens: number, more: string): string {
  if (estimateTokens(text) <= tokens) return text;
  const cut = text.slice(0, Math.max(0, tokens * 4 - 200));
  const head = cut.slice(0, Math.max(cut.lastIndexOf("\n"), 0));
  const lines = text.split("\n").length;
  const shown = head.split("\n").length;
  return `${head}\n[… ${lines - shown} more lines not shown; ${more}]`;
}
