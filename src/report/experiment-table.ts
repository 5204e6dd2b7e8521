import { formatDuration } from "../config/duration.ts";
import type { Experiment, SessionState } from "../core/index.ts";
import { escapeMarkdown, escapeUrl } from "./escape-markdown.ts";
import { formatChange, formatCount, formatValue } from "./format-number.ts";

export interface ExperimentTableOptions {
  /** How many of the most recent experiments get a row; the rest are counted. */
  rows: number;
  runUrl?: ((experiment: number) => string | undefined) | undefined;
  now: number;
  /** Longest description shown, in characters; the ledger has the whole text. */
  descriptionLength?: number;
}

/** The most recent experiments, newest first, as a markdown table; empty when there is none. */
export function experimentTable(state: SessionState, options: ExperimentTableOptions): string {
  const all = state.experiments.filter((e): e is Experiment => e !== undefined);
  const shown = all.slice(-options.rows).reverse();
  if (shown.length === 0) return "";
  const metric = state.metric.name;
  const lines = [
    `| exp | description | ${escapeMarkdown(metric)} | Δ vs best | status | run |`,
    "|---:|---|---:|---:|---|---|",
    ...shown.map((e) => {
      const value = e.kind === "confirm" ? e.run?.metrics[metric] : metricOf(e, metric);
      const before = e.kind === "confirm" ? undefined : e.decision?.best_before;
      const change = value !== undefined && before !== undefined ? value - before : undefined;
      const url = options.runUrl?.(e.id);
      const cells = [
        String(e.id),
        escapeMarkdown(e.description, options.descriptionLength ?? 100),
        formatValue(value),
        formatChange(change),
        statusLabel(e, state, options.now),
        url ? `[run](${escapeUrl(url)})` : "",
      ];
      return `| ${cells.join(" | ")} |`;
    }),
  ];
  const older = all.length - shown.length;
  if (older > 0)
    lines.push(
      "",
      `_… ${formatCount(older)} older experiment${older === 1 ? "" : "s"} in the ledger._`,
    );
  return lines.join("\n");
}

/** The value an experiment was judged by: the mean over its confirmations when it had any. */
export function metricOf(e: Experiment, metric: string): number | undefined {
  return e.decision?.value ?? e.run?.metrics[metric];
}

/** Where an experiment stands, with an emoji to scan the column by. */
export function statusLabel(e: Experiment, state: SessionState, now: number): string {
  if (e.kind === "confirm") {
    if (e.phase !== "final") return running(e, now);
    const failed = e.run && e.run.status !== "ok" ? `💥 ${e.run.status}, ` : "🔁 ";
    return `${failed}confirming exp-${e.of ?? "?"}`;
  }
  if (e.decision?.outcome === "rebase") {
    const copy = state.experiments.find((x) => x?.kind === "rebase" && x.of === e.id);
    return copy ? `🔀 re-based as exp-${copy.id}` : "🔀 re-basing";
  }
  switch (e.outcome) {
    case "baseline":
      return "📏 baseline";
    case "keep":
      return "✅ kept";
    case "discard":
      // Its own run may look good: say that the re-runs, not the first result, decided.
      return state.experiments.some((x) => x?.kind === "confirm" && x.of === e.id)
        ? "❌ not confirmed"
        : "❌ discarded";
    case "crash":
      return `💥 ${e.run && e.run.status !== "ok" ? e.run.status : "crashed"}`;
  }
  switch (e.phase) {
    case "awaiting-confirm":
      return "🔁 confirming";
    case "awaiting-rebase":
      return "🔀 re-basing";
    case "interrupted":
      return "⏸️ interrupted";
    default:
      return running(e, now);
  }
}

function running(e: Experiment, now: number): string {
  const elapsed = (now - Date.parse(e.proposedAt)) / 1000;
  return Number.isFinite(elapsed) && elapsed >= 0
    ? `⏳ running (${formatDuration(Math.round(elapsed))})`
    : "⏳ running";
}
