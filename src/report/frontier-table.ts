import {
  type Experiment,
  experiment,
  type ObjectiveSpec,
  type ParetoPoint,
  type SessionState,
  sessionFrontier,
} from "../core/index.ts";
import { escapeMarkdown, escapeUrl } from "./escape-markdown.ts";
import { statusLabel } from "./experiment-table.ts";
import { formatCount, formatValue } from "./format-number.ts";

export interface FrontierTableOptions {
  /** How many frontier commits get a row, the best by the first objective; the rest are counted. */
  rows?: number;
  runUrl?: ((experiment: number) => string | undefined) | undefined;
  /** Longest description shown, in characters; the ledger has the whole text. */
  descriptionLength?: number;
  /** 3 for a document of its own; 4 under the status comment's own `###` heading. */
  headingLevel?: 3 | 4;
}

/** A frontier commit with the experiment that first ran it. */
export interface FrontierRow {
  point: ParetoPoint;
  experiment: Experiment | undefined;
  /** The commit the ratchet branch points at now. */
  head: boolean;
}

const DEFAULT_ROWS = 20;

/**
 * The session's Pareto frontier as markdown: what it is, then one row per commit, best by the
 * first objective first. Empty for a session with fewer than two objectives.
 */
export function frontierTable(state: SessionState, options: FrontierTableOptions = {}): string {
  const { objectives } = state;
  if (objectives.length < 2) return "";
  const all = frontierRows(state);
  const shown = all.slice(0, Math.max(0, options.rows ?? DEFAULT_ROWS));
  const lines = [
    `${"#".repeat(options.headingLevel ?? 3)} Pareto frontier`,
    "",
    summary(state, all),
  ];
  if (shown.length > 0) {
    const now = Date.parse(state.lastEventAt);
    lines.push(
      "",
      `| exp | description | ${objectives.map(objectiveHeader).join(" | ")} | outcome |`,
      `|---:|---|${objectives.map(() => "---:|").join("")}---|`,
      ...shown.map((row) => {
        const e = row.experiment;
        const url = options.runUrl?.(row.point.id);
        const label = e ? statusLabel(e, state, now) : "—";
        const cells = [
          url ? `[exp-${row.point.id}](${escapeUrl(url)})` : `exp-${row.point.id}`,
          escapeMarkdown(e?.description ?? "", options.descriptionLength ?? 60),
          ...objectives.map((o) => valueCell(row.point.values[o.name], o)),
          row.head ? `${label} · **ratchet head**` : label,
        ];
        return `| ${cells.join(" | ")} |`;
      }),
    );
  }
  const left = all.length - shown.length;
  if (left > 0) {
    const first = escapeMarkdown(objectives[0]?.name ?? "");
    lines.push(
      "",
      `_… ${formatCount(left)} more frontier commit${left === 1 ? "" : "s"}, worse on ${first}, left out; the ledger has them all._`,
    );
  }
  return lines.join("\n");
}

/** The frontier commits sorted by the first objective, best first (then by the next ones). */
export function frontierRows(state: SessionState): FrontierRow[] {
  const { objectives } = state;
  return sessionFrontier(state)
    .sort((a, b) => compare(a, b, objectives))
    .map((point) => ({
      point,
      experiment: experiment(state, point.id),
      head: point.sha === state.ratchetSha,
    }));
}

/** True when `value` breaks the objective's limit (such a commit is on the frontier, not kept). */
export function outsideLimit(value: number | undefined, o: ObjectiveSpec): boolean {
  if (value === undefined || o.limit === undefined) return false;
  return o.goal === "minimize" ? value > o.limit : value < o.limit;
}

/** `accuracy ↑`, `context_tokens ↓ ≤ 2000`: the name, which way is better, and the limit. */
export function objectiveLabel(o: ObjectiveSpec): string {
  const arrow = o.goal === "minimize" ? "↓" : "↑";
  if (o.limit === undefined) return `${o.name} ${arrow}`;
  return `${o.name} ${arrow} ${o.goal === "minimize" ? "≤" : "≥"} ${formatValue(o.limit)}`;
}

function compare(a: ParetoPoint, b: ParetoPoint, objectives: readonly ObjectiveSpec[]): number {
  for (const o of objectives) {
    const d = (a.values[o.name] ?? 0) - (b.values[o.name] ?? 0);
    if (d !== 0) return o.goal === "minimize" ? d : -d;
  }
  return a.id - b.id;
}

function summary(state: SessionState, rows: readonly FrontierRow[]): string {
  const goals = state.objectives.map((o) => escapeMarkdown(objectiveLabel(o))).join(" · ");
  if (rows.length === 0)
    return `No commit has reported every objective yet (${goals}); the frontier starts with the baseline.`;
  const what =
    rows.length === 1
      ? "1 commit, which no other commit beats on every objective"
      : `${formatCount(rows.length)} commits, none of which is beaten on every objective by another`;
  const broken = rows.some((r) =>
    state.objectives.some((o) => outsideLimit(r.point.values[o.name], o)),
  );
  return `${what}: ${goals} (↑ higher is better, ↓ lower is better).${broken ? " ⚠️ marks a value outside its limit." : ""}`;
}

function objectiveHeader(o: ObjectiveSpec): string {
  return `${escapeMarkdown(o.name)} ${o.goal === "minimize" ? "↓" : "↑"}`;
}

function valueCell(value: number | undefined, o: ObjectiveSpec): string {
  return outsideLimit(value, o) ? `${formatValue(value)} ⚠️` : formatValue(value);
}
