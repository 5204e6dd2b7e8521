import { formatDuration } from "../../config/index.ts";
import type { SessionState } from "../../core/index.ts";
import { loadSession } from "../load-session.ts";
import type { Env } from "../open-session.ts";

/** `autoopt status`: where a session stands, in a few lines and a table of the last experiments. */
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

function signed(n: number): string {
  return `${n >= 0 ? "+" : ""}${n.toFixed(6)}`;
}
