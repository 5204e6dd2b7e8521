import { mean, type SessionState } from "../core/index.ts";
import type { ChartPoint } from "./chart-types.ts";

/**
 * One point per judged commit, indexed by experiment number so a chart's labels match the
 * table's. The baseline repeats are folded into one point (their mean, the value the session
 * measured against); confirmation runs are left out (their candidate's point already carries
 * the mean they produced); an original superseded by its re-based copy is left out too (the
 * copy is the one judged). A crash keeps its place with a null value.
 */
export function progressPoints(state: SessionState): ChartPoint[] {
  const points: ChartPoint[] = [];
  let baselineShown = false;
  for (const e of state.experiments) {
    if (!e?.outcome || e.kind === "confirm") continue;
    if (e.decision?.outcome === "rebase") continue;
    if (e.kind === "baseline") {
      if (baselineShown) continue;
      baselineShown = true;
      const value = state.baselineValues.length > 0 ? mean(state.baselineValues) : null;
      points.push({ index: e.id, value, status: "baseline", description: "baseline" });
      continue;
    }
    const value = e.outcome === "crash" ? null : (e.decision?.value ?? null);
    const status = e.outcome === "baseline" ? "keep" : e.outcome;
    points.push({ index: e.id, value, status, description: e.description });
  }
  return points;
}
