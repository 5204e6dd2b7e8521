import { escapeMarkdown, fencedBlock } from "./escape-markdown.ts";
import { formatChange, formatValue } from "./format-number.ts";

/** What the held-out evaluation of the best candidate gave, or why it gave nothing. */
export type Heldout =
  | {
      search: Record<string, number>;
      heldout: Record<string, number>;
      /** The session's starting point on both splits, when it was evaluated too. */
      baseline?: { search: Record<string, number>; heldout: Record<string, number> };
    }
  | { error: string }
  /** Held-out runs are under way or yet to start: markdown saying which, and where to watch them. */
  | { pending: string };

/** Most metrics listed; a harness can report many, and the primary one always comes first. */
const MAX_METRICS = 40;

/**
 * The held-out section of a promotion. It is never left out: a failed evaluation is shown
 * with its error, and a missing one says so, because a reviewer must not mistake "not checked"
 * for "checked and fine" — the search metrics were selected on, the held-out ones were not.
 */
export function heldoutSection(heldout: Heldout | undefined, metric: string): string {
  const title = "### Held-out evaluation";
  if (heldout === undefined)
    return `${title}\n\nNot run for this promotion: the gains above are measured only on the split the search optimized.`;
  if ("pending" in heldout)
    return [
      title,
      "",
      `⏳ ${heldout.pending}`,
      "",
      "Until it reports, the gains above are measured only on the split the search optimized.",
    ].join("\n");
  if ("error" in heldout)
    return [
      title,
      "",
      "⚠️ **The held-out evaluation failed**, so the gains above are not confirmed on data the search never saw:",
      "",
      fencedBlock(heldout.error),
    ].join("\n");
  const names = [...new Set([...Object.keys(heldout.search), ...Object.keys(heldout.heldout)])];
  names.sort((a, b) => (a === metric ? -1 : b === metric ? 1 : a.localeCompare(b)));
  if (heldout.baseline) return sideBySide(title, names, heldout, heldout.baseline);
  const shown = names.slice(0, MAX_METRICS);
  const rows = shown.map((name) => {
    const search = heldout.search[name];
    const held = heldout.heldout[name];
    const gap = search !== undefined && held !== undefined ? held - search : undefined;
    return `| ${escapeMarkdown(name, 80)} | ${formatValue(search)} | ${formatValue(held)} | ${formatChange(gap)} |`;
  });
  const more = names.length - shown.length;
  return [
    title,
    "",
    "The best candidate on the search split and on the held-out split, which the proposer never saw:",
    "",
    "| metric | search | held-out | held-out − search |",
    "|---|---:|---:|---:|",
    ...rows,
    ...(more > 0 ? ["", `_… ${more} more metrics in the artifacts._`] : []),
  ].join("\n");
}

/** Baseline and best on both splits: a gain that holds up shows in both held-out columns. */
function sideBySide(
  title: string,
  names: string[],
  best: { search: Record<string, number>; heldout: Record<string, number> },
  baseline: { search: Record<string, number>; heldout: Record<string, number> },
): string {
  const shown = names.slice(0, MAX_METRICS);
  const change = (to: number | undefined, from: number | undefined) =>
    formatChange(to !== undefined && from !== undefined ? to - from : undefined);
  const rows = shown.map((name) => {
    const cells = [
      baseline.search[name],
      best.search[name],
      change(best.search[name], baseline.search[name]),
      baseline.heldout[name],
      best.heldout[name],
      change(best.heldout[name], baseline.heldout[name]),
    ];
    const text = cells.map((c) => (typeof c === "string" ? c : formatValue(c)));
    return `| ${escapeMarkdown(name, 80)} | ${text.join(" | ")} |`;
  });
  const more = names.length - shown.length;
  return [
    title,
    "",
    "The baseline and the best candidate on the search split, which the proposer optimized, and on the held-out split, which it never saw:",
    "",
    "| metric | search: baseline | search: best | change | held-out: baseline | held-out: best | change |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    ...(more > 0 ? ["", `_… ${more} more metrics in the artifacts._`] : []),
  ].join("\n");
}
