import type { SessionState } from "./session-state.ts";
import type { ObjectiveSpec } from "./settings.ts";

/** A candidate as the frontier sees it: its values on every objective. */
export interface ParetoPoint {
  id: number;
  sha: string;
  values: Record<string, number>;
}

/** `a` dominates `b`: no worse on every objective and better on at least one. */
export function dominates(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
  objectives: readonly Pick<ObjectiveSpec, "name" | "goal">[],
): boolean {
  let better = false;
  for (const { name, goal } of objectives) {
    const x = a[name] as number;
    const y = b[name] as number;
    const sign = goal === "minimize" ? -1 : 1;
    if (sign * (x - y) < 0) return false;
    if (sign * (x - y) > 0) better = true;
  }
  return better;
}

/**
 * The non-dominated points, in the order given. Points with equal values on every objective are
 * one trade-off: only the first of them is kept.
 */
export function paretoFrontier(
  points: readonly ParetoPoint[],
  objectives: readonly Pick<ObjectiveSpec, "name" | "goal">[],
): ParetoPoint[] {
  const front: ParetoPoint[] = [];
  for (const p of points) {
    if (points.some((q) => q !== p && dominates(q.values, p.values, objectives))) continue;
    if (front.some((f) => objectives.every((o) => f.values[o.name] === p.values[o.name]))) continue;
    front.push(p);
  }
  return front;
}

/**
 * Every commit of the session that reported all objectives: baselines and candidates, kept or
 * not (a discarded candidate can still be the best trade-off). Runs of the same commit (baseline
 * repeats, confirmation runs) are one point at their mean, under the first run's id.
 */
export function candidatePoints(
  state: SessionState,
  objectives: readonly ObjectiveSpec[],
): ParetoPoint[] {
  const bySha = new Map<string, { id: number; runs: Record<string, number>[] }>();
  for (const e of state.experiments) {
    const run = e?.run;
    if (!e || run?.status !== "ok") continue;
    const metrics = run.metrics;
    if (!objectives.every((o) => Number.isFinite(metrics[o.name] ?? Number.NaN))) continue;
    const values = Object.fromEntries(objectives.map((o) => [o.name, metrics[o.name] as number]));
    const group = bySha.get(e.sha);
    if (group) group.runs.push(values);
    else bySha.set(e.sha, { id: e.id, runs: [values] });
  }
  return [...bySha].map(([sha, { id, runs }]) => ({
    id,
    sha,
    values: Object.fromEntries(
      objectives.map((o) => [
        o.name,
        runs.reduce((a, r) => a + (r[o.name] as number), 0) / runs.length,
      ]),
    ),
  }));
}

/** The session's Pareto frontier over all its objectives; empty for a single-objective session. */
export function sessionFrontier(state: SessionState): ParetoPoint[] {
  if (state.objectives.length < 2) return [];
  return paretoFrontier(candidatePoints(state, state.objectives), state.objectives);
}
