import {
  confirmationValues,
  type Experiment,
  mean,
  type SessionState,
  stdev,
} from "../core/index.ts";
import { containmentMarkdown } from "./containment-counts.ts";
import { codeSpan, escapeMarkdown, escapeUrl } from "./escape-markdown.ts";
import { experimentCounts } from "./experiment-counts.ts";
import { metricOf } from "./experiment-table.ts";
import { fitWithin, MAX_BODY_LENGTH } from "./fit-within.ts";
import { formatChange, formatCount, formatRelative, formatValue } from "./format-number.ts";
import { type Heldout, heldoutSection } from "./heldout-section.ts";

export type { Heldout } from "./heldout-section.ts";

type Link = ((experiment: number) => string | undefined) | undefined;

export interface PromotionBodyInput {
  session: string;
  state: SessionState;
  /** The branch the promotion goes into, usually `main`. */
  baseBranch: string;
  runUrl?: (experiment: number) => string | undefined;
  artifactUrl?: (experiment: number) => string | undefined;
  heldout?: Heldout;
  maxLength?: number;
}

/** Most detail first; the last layout lists few changes with no hypotheses, so it fits. */
const LAYOUTS = [
  { text: 500, kept: Number.POSITIVE_INFINITY },
  { text: 200, kept: 150 },
  { text: 100, kept: 60 },
  { text: 0, kept: 10 },
] as const;

/** The body of the pull request that proposes a session's kept changes for a person to merge. */
export function renderPromotionBody(input: PromotionBodyInput): string {
  const { state } = input;
  const kept = state.experiments.filter(
    (e): e is Experiment =>
      e?.outcome === "keep" && (e.kind === "candidate" || e.kind === "rebase"),
  );
  const intro = [summary(input), containmentMarkdown(state), scoreTable(input)]
    .filter((part) => part !== "")
    .join("\n\n");
  const outro = [
    heldoutSection(input.heldout, state.metric.name),
    "---",
    "**autoopt never merges.** A person reviews these changes and the evidence above, then merges this pull request or closes it.",
  ].join("\n\n");
  return fitWithin(input.maxLength ?? MAX_BODY_LENGTH, LAYOUTS, (layout) =>
    [intro, keptSection(input, kept, layout), outro].join("\n\n"),
  );
}

function summary({ session, state, baseBranch }: PromotionBodyInput): string {
  const n = experimentCounts(state);
  return [
    `## autoopt session ${codeSpan(session)}: ${escapeMarkdown(state.metric.name)} ${headline(state)}`,
    "",
    `This pull request brings ${codeSpan(`autoopt/${session}/ratchet`, 200)} into ${codeSpan(baseBranch)}: ` +
      `the ${formatCount(n.kept)} change${n.kept === 1 ? "" : "s"} kept out of ${formatCount(n.tried)} tried ` +
      `(${formatCount(n.discarded)} discarded, ${formatCount(n.crashed)} crashed). ` +
      "Each was kept because it beat the best so far by more than the noise gate.",
  ].join("\n");
}

function headline(state: SessionState): string {
  const baseline = state.baselineValues.length > 0 ? mean(state.baselineValues) : undefined;
  if (baseline === undefined || state.best === undefined) return "(no baseline measured)";
  const relative = formatRelative(state.best, baseline);
  return `${formatValue(baseline)} → ${formatValue(state.best)} (${[formatChange(state.best - baseline), relative].filter(Boolean).join(", ")})`;
}

function scoreTable({ state, runUrl, artifactUrl }: PromotionBodyInput): string {
  const runs = state.baselineValues.length;
  const baseline = runs > 0 ? mean(state.baselineValues) : undefined;
  const baselineIds = state.experiments.filter((e) => e?.kind === "baseline").map((e) => e.id);
  const bestId = state.experiments.findLast((e) => e?.outcome === "keep")?.id;
  const direction = state.metric.goal === "minimize" ? "lower is better" : "higher is better";
  const spread = runs > 1 ? ` ± ${formatValue(state.sigma, 3)} (sd of ${runs} runs)` : "";
  const counted = runs === 1 ? " (1 run)" : spread;
  const relative =
    baseline !== undefined && state.best !== undefined
      ? formatRelative(state.best, baseline)
      : undefined;
  const change =
    baseline !== undefined && state.best !== undefined
      ? `${formatChange(state.best - baseline)}${relative ? ` (${relative})` : ""}`
      : "—";
  return [
    `| | ${escapeMarkdown(state.metric.name)} (${direction}) | evidence |`,
    "|---|---|---|",
    `| baseline | ${formatValue(baseline)}${counted} | ${baselineIds.map((id) => links(id, runUrl, artifactUrl)).join(" · ")} |`,
    `| best | ${formatValue(state.best)} | ${bestId === undefined ? "the baseline itself" : links(bestId, runUrl, artifactUrl)} |`,
    `| change | ${change} | |`,
  ].join("\n");
}

function keptSection(
  { state, runUrl, artifactUrl }: PromotionBodyInput,
  kept: readonly Experiment[],
  layout: (typeof LAYOUTS)[number],
): string {
  if (kept.length === 0)
    return "### Kept changes\n\nNone yet: nothing beat the baseline beyond the noise gate.";
  const metric = state.metric.name;
  const shown = kept.slice(-layout.kept);
  const start = kept.length - shown.length + 1;
  const items = shown.map((e) => {
    const value = metricOf(e, metric);
    const before = e.decision?.best_before;
    const delta =
      value !== undefined && before !== undefined
        ? ` (${[formatChange(value - before), formatRelative(value, before)].filter(Boolean).join(", ")} vs ${formatValue(before)})`
        : "";
    const lines = [
      `**exp-${e.id}: ${escapeMarkdown(e.description, Math.max(layout.text, 120))}**`,
      `${escapeMarkdown(metric)} ${formatValue(value)}${delta} · ${links(e.id, runUrl, artifactUrl)}`,
    ];
    if (layout.text > 0 && e.hypothesis)
      lines.push(`Hypothesis: ${escapeMarkdown(e.hypothesis, layout.text)}`);
    const confirmation = confirmationLine(state, e.id);
    if (confirmation) lines.push(confirmation);
    return lines.join("<br>\n   ");
  });
  const skipped = kept.length - shown.length;
  return [
    "### Kept changes, in order",
    "",
    ...(skipped > 0
      ? [`_… ${formatCount(skipped)} earlier kept changes are listed in the ledger._`, ""]
      : []),
    ...items.map((item, i) => `${start + i}. ${item}`),
  ].join("\n");
}

/** Mean ± sd over the candidate's run and its confirmation re-runs, when it had any. */
function confirmationLine(state: SessionState, id: number): string | undefined {
  const reruns = state.experiments.filter((e) => e?.kind === "confirm" && e.of === id);
  if (reruns.length === 0) return undefined;
  const values = confirmationValues(state, id, (m) => m[state.metric.name]);
  const failed = reruns.filter((e) => e.run && e.run.status !== "ok").length;
  const ids = [id, ...reruns.map((e) => e.id)].map((x) => `exp-${x}`).join(", ");
  const note = failed > 0 ? `; ${failed} re-run(s) failed` : "";
  return `Confirmed: ${formatValue(mean(values))} ± ${formatValue(stdev(values), 3)} (mean ± sd of ${values.length} runs: ${ids}${note})`;
}

function links(id: number, runUrl: Link, artifactUrl: Link): string {
  const run = runUrl?.(id);
  const artifacts = artifactUrl?.(id);
  const parts = [
    run ? `[exp-${id} run](${escapeUrl(run)})` : `exp-${id}`,
    ...(artifacts ? [`[artifacts](${escapeUrl(artifacts)})`] : []),
  ];
  return parts.join(" · ");
}
