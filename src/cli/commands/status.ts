import { formatDuration } from "../../config/index.ts";
import type { SessionState } from "../../core/index.ts";
import { containmentWarning } from "../../report/containment-counts.ts";
import { formatValue } from "../../report/format-number.ts";
import { frontierRows, objectiveLabel, outsideLimit } from "../../report/frontier-table.ts";
import { loadSession } from "../load-session.ts";
import type { Env } from "../open-session.ts";

/**
 * `autoopt status`: where a session stands, in a few lines and a table of the last experiments;
 * with several objectives, then the Pareto frontier.
 */
export async function statusCommand(cmd: {
  cwd: string;
  env: Env;
  out: { write(t: string): unknown };
  session?: string;
}): Promise<void> {
  const { name, paths, state } = await loadSession(cmd.cwd, cmd.env, cmd.session);
  cmd.out.write(
    `${formatStatus(name, state)}\nledger:  ${paths.ledger}\nresults: ${paths.resultsTsv}\n`,
  );
  const frontier = formatFrontier(state);
  if (frontier) cmd.out.write(`\n${frontier}\n`);
  const uncontained = containmentWarning(state);
  if (uncontained) cmd.out.write(`\n${uncontained}\n`);
}

export function formatStatus(name: string, state: SessionState, last = 10): string {
  const judged = state.experiments.filter(
    (e) => e && e.kind !== "confirm" && e.kind !== "baseline",
  );
  const kept = judged.filter((e) => e.outcome === "keep");
  const crashed = judged.filter((e) => e.outcome === "crash").length;
  const running = state.experiments
    .filter((e) => e && e.phase !== "final")
    .map((e) => `exp-${e.id}`);
  const baseline =
    state.baselineValues.length > 0
      ? state.baselineValues.reduce((a, b) => a + b, 0) / state.baselineValues.length
      : undefined;
  const metric = state.metric.name;
  const lines = [
    `session ${name}: ${state.stopped ? `stopped — ${state.stopped}` : running.length ? `running ${running.join(", ")}` : "idle"}`,
    `experiments: ${judged.length} (${kept.length} kept, ${crashed} crashed), active ${formatDuration(state.activeMs / 1000)}`,
    `baseline ${metric}: ${baseline === undefined ? "—" : `${baseline.toFixed(6)} ± ${state.sigma.toFixed(6)} (σ of ${state.baselineValues.length} runs)`}`,
    `best ${metric}:     ${state.best === undefined ? "—" : state.best.toFixed(6)}${baseline !== undefined && state.best !== undefined ? ` (${signed(state.best - baseline)} vs baseline)` : ""}`,
    "",
    ["exp", "status", metric.padEnd(10), "description"].join("\t"),
    ...state.experiments
      .filter((e) => e !== undefined)
      .slice(-last)
      .map((e) => {
        const status = e.outcome ?? e.phase;
        const v = e.decision?.value ?? e.run?.metrics[metric];
        return [
          `${e.id}`,
          status,
          v === undefined ? "—".padEnd(10) : v.toFixed(6),
          e.description,
        ].join("\t");
      }),
  ];
  return lines.join("\n");
}

/** The Pareto frontier as an aligned text table, best by the first objective first; empty in train mode. */
export function formatFrontier(state: SessionState, rows = 20): string {
  const { objectives } = state;
  if (objectives.length < 2) return "";
  const all = frontierRows(state);
  const goals = objectives.map(objectiveLabel).join(", ");
  const title = `Pareto frontier: ${all.length} commit${all.length === 1 ? "" : "s"} that no other beats on every objective (${goals})`;
  if (all.length === 0) return `${title}\n(none yet: no commit has reported every objective)`;
  let broken = false;
  const table = [
    ["exp", ...objectives.map(objectiveLabel), "outcome", "description"],
    ...all.slice(0, rows).map(({ point, experiment: e, head }) => {
      const values = objectives.map((o) => {
        const v = point.values[o.name];
        if (!outsideLimit(v, o)) return formatValue(v);
        broken = true;
        return `${formatValue(v)} !`;
      });
      const outcome = e?.outcome ?? e?.phase ?? "—";
      const description = (e?.description ?? "").replace(/\s+/gu, " ").trim();
      return [`${point.id}`, ...values, head ? `${outcome}, ratchet head` : outcome, description];
    }),
  ];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => [...(r[i] ?? "")].length)));
  const lines = table.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : pad(cell, widths?.[i] ?? 0))).join("  "),
  );
  if (all.length > rows) lines.push(`… ${all.length - rows} more in the ledger`);
  if (broken) lines.push("! outside its limit, so not kept");
  return [title, ...lines].join("\n").replace(/ +$/gmu, "");
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - [...text].length));
}

function signed(n: number): string {
  return `${n >= 0 ? "+" : ""}${n.toFixed(6)}`;
}
