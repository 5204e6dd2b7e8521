import { formatDuration } from "../config/duration.ts";
import { activeMs, candidatesProposed, mean, type SessionState, threshold } from "../core/index.ts";
import { containmentMarkdown } from "./containment-counts.ts";
import { codeSpan, escapeMarkdown, escapeUrl } from "./escape-markdown.ts";
import { experimentCounts } from "./experiment-counts.ts";
import { experimentTable } from "./experiment-table.ts";
import { fitWithin, MAX_BODY_LENGTH } from "./fit-within.ts";
import { formatChange, formatCount, formatRelative, formatValue } from "./format-number.ts";
import { frontierTable } from "./frontier-table.ts";
import { mermaidProgressChart } from "./mermaid-chart.ts";
import { progressPoints } from "./progress-points.ts";
import { statusMarker } from "./status-marker.ts";

export { findStatusMarker, statusMarker } from "./status-marker.ts";

export interface StatusCommentInput {
  session: string;
  state: SessionState;
  settings: {
    max_experiments: number;
    parallel: number;
    /** When given, the gate is computed for the current σ; else the last applied one is shown. */
    min_delta?: number;
    noise_sigmas?: number;
  };
  runUrl?: (experiment: number) => string | undefined;
  now: number;
  promotionPr?: string;
  /** Longest body allowed; GitHub's limit is 65,536 characters. */
  maxLength?: number;
}

/**
 * From most to least detail; the last one has no table rows, no chart and no frontier, so it
 * always fits. `frontier` rows are shown only in sessions with several objectives.
 */
const LAYOUTS = [
  { rows: 30, points: 80, frontier: 20 },
  { rows: 20, points: 60, frontier: 15 },
  { rows: 10, points: 40, frontier: 10 },
  { rows: 5, points: 20, frontier: 5 },
  { rows: 0, points: 0, frontier: 0 },
] as const;

/** The one status comment of a session, edited in place as the session goes on. */
export function renderStatusComment(input: StatusCommentInput): string {
  const head = [statusMarker(input.session), header(input)].join("\n");
  return fitWithin(input.maxLength ?? MAX_BODY_LENGTH, LAYOUTS, (layout) => {
    const table = experimentTable(input.state, {
      rows: layout.rows,
      runUrl: input.runUrl,
      now: input.now,
    });
    return [
      head,
      chartSection(input.state, layout.points),
      table ? `#### Latest experiments\n\n${table}` : "",
      layout.frontier > 0
        ? frontierTable(input.state, {
            rows: layout.frontier,
            runUrl: input.runUrl,
            headingLevel: 4,
          })
        : "",
      `<sub>Updated ${new Date(input.now).toISOString().slice(0, 16).replace("T", " ")} UTC by autoopt; this comment is edited in place.</sub>`,
    ]
      .filter((part) => part !== "")
      .join("\n\n");
  });
}

function header(input: StatusCommentInput): string {
  const { state } = input;
  const lines = [
    `### autoopt session ${codeSpan(input.session)}`,
    "",
    stateLine(input),
    "",
    scoreTable(input),
    "",
    counts(state),
  ];
  const containment = containmentMarkdown(state);
  if (containment) lines.push("", containment);
  if (!state.stopped && state.failedProposals.count > 0) {
    const reason = escapeMarkdown(state.failedProposals.lastReason ?? "unknown", 300);
    lines.push("", `⚠️ The last ${state.failedProposals.count} proposal(s) failed: ${reason}`);
  }
  if (input.promotionPr) lines.push("", `**Promotion PR:** ${escapeUrl(input.promotionPr)}`);
  return lines.join("\n");
}

function stateLine({ state, settings, now }: StatusCommentInput): string {
  const inFlight = state.experiments.filter((e) => e && e.phase !== "final").map((e) => e.id);
  const what = state.stopped
    ? `**⏹️ Stopped** — ${escapeMarkdown(state.stopped, 500)}`
    : `**▶️ Running**${inFlight.length ? ` — in flight: ${inFlight.map((id) => `exp-${id}`).join(", ")}` : ""}`;
  const parts = [
    what,
    `${formatCount(candidatesProposed(state))} of ${formatCount(settings.max_experiments)} experiments`,
    `up to ${settings.parallel} at once`,
    // A stopped session is not active while it waits; a running one is, up to now.
    `active ${formatDuration(Math.round((state.stopped ? state.activeMs : activeMs(state, now)) / 1000))}`,
  ];
  if (state.tokensUsed > 0) parts.push(`${formatCount(state.tokensUsed)} tokens`);
  return parts.join(" · ");
}

/** Best against baseline, and the noise floor that decides what counts as better. */
function scoreTable({ state, settings }: StatusCommentInput): string {
  const direction = state.metric.goal === "minimize" ? "lower is better" : "higher is better";
  const runs = state.baselineValues.length;
  const baseline = runs > 0 ? mean(state.baselineValues) : undefined;
  const measured = `${formatValue(baseline)} (mean of ${runs} run${runs === 1 ? "" : "s"})`;
  return [
    `| | ${escapeMarkdown(state.metric.name)} (${direction}) |`,
    "|---|---|",
    `| baseline | ${baseline === undefined ? "— (not measured yet)" : measured} |`,
    `| best | ${bestCell(state, baseline)} |`,
    `| noise floor σ | ${noiseFloor(state.sigma, runs)} |`,
    `| gate | ${gateCell(state, settings)} |`,
  ].join("\n");
}

function bestCell(state: SessionState, baseline: number | undefined): string {
  if (state.best === undefined) return "—";
  const holder = state.experiments.findLast((e) => e?.outcome === "keep");
  const parts = [formatValue(state.best), ...(holder ? [`exp-${holder.id}`] : [])];
  if (baseline === undefined) return parts.join(", ");
  const change = [formatChange(state.best - baseline), formatRelative(state.best, baseline)];
  return `${parts.join(", ")} (${change.filter(Boolean).join(", ")} vs baseline)`;
}

/** The gate for the current σ when the settings say how it is made, else the last one applied. */
function gateCell(state: SessionState, settings: StatusCommentInput["settings"]): string {
  const gate =
    settings.min_delta !== undefined && settings.noise_sigmas !== undefined
      ? threshold(settings.min_delta, settings.noise_sigmas, state.sigma)
      : state.experiments.findLast((e) => e?.decision?.threshold !== undefined)?.decision
          ?.threshold;
  return gate === undefined
    ? "— (set when the first change is judged)"
    : `a change is kept when it beats the best by more than ${formatValue(gate, 3)}`;
}

function noiseFloor(sigma: number, runs: number): string {
  if (runs === 0) return "—";
  if (runs === 1) return "0 (one baseline run says nothing about noise)";
  return `${formatValue(sigma, 3)} (sd of the baseline runs)`;
}

function counts(state: SessionState): string {
  const n = experimentCounts(state);
  const parts = [`✅ ${n.kept} kept`, `❌ ${n.discarded} discarded`, `💥 ${n.crashed} crashed`];
  if (n.confirmations > 0)
    parts.push(`🔁 ${n.confirmations} confirmation run${n.confirmations === 1 ? "" : "s"}`);
  return parts.join(" · ");
}

function chartSection(state: SessionState, points: number): string {
  if (points === 0) return "";
  const chart = mermaidProgressChart(progressPoints(state), {
    metric: state.metric.name,
    goal: state.metric.goal,
    maxPoints: points,
  });
  if (!chart) return "";
  const metric = escapeMarkdown(state.metric.name);
  return [
    "#### Progress",
    "",
    "```mermaid",
    chart,
    "```",
    "",
    `<sub>First line: ${metric} of each experiment (crashed ones have no value and are left out). Second line: the best so far.</sub>`,
  ].join("\n");
}
