/** GitHub refuses comments and PR bodies over 65,536 characters; this leaves room to spare. */
export const MAX_BODY_LENGTH = 60_000;

/**
 * The first rendering, from the most detailed layout to the least, that fits in `maxLength`
 * characters. The last layout is meant to fit by construction; should it not, its text is cut
 * with a note rather than posted too long (GitHub would refuse it and the session would have
 * no status at all).
 */
export function fitWithin<L>(
  maxLength: number,
  layouts: readonly L[],
  render: (layout: L) => string,
): string {
  let text = "";
  for (const layout of layouts) {
    text = render(layout);
    if (text.length <= maxLength) return text;
  }
  const note = "\n\n_… cut to fit GitHub's size limit; the ledger has everything._";
  return `${text.slice(0, Math.max(0, maxLength - note.length))}${note}`;
}
