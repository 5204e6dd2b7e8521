import type { Goal } from "../config/index.ts";
import type { ObjectiveSpec, Settings } from "./settings.ts";

/** The name the ratchet judges under when the rule is a weighted score. */
export const SCORE = "score";

/** Every objective, the metric first. */
export function allObjectives(settings: Settings): ObjectiveSpec[] {
  return [settings.metric, ...(settings.objectives ?? [])];
}

/** The quantity the ratchet compares candidates by: the metric, or the weighted score. */
export function judgedMetric(settings: Settings): { name: string; goal: Goal } {
  return settings.rule === "weighted"
    ? { name: SCORE, goal: "maximize" }
    : { name: settings.metric.name, goal: settings.metric.goal };
}

/** The `objectives` field of a session's first ledger event: present only with several objectives. */
export function sessionObjectives(settings: Settings): { objectives?: ObjectiveSpec[] } {
  return (settings.objectives?.length ?? 0) > 0 ? { objectives: allObjectives(settings) } : {};
}

/** What a run's metrics come to under the ratchet rule. */
export type Judged =
  | { ok: true; value: number }
  /** `crash`: an objective is missing; `limit`: the run broke a constraint (its value is still known). */
  | { ok: false; kind: "crash"; reason: string }
  | { ok: false; kind: "limit"; reason: string; value: number };

/**
 * The value a run is judged by, after checking that every objective was reported and every limit
 * held. Pure; the same metrics and settings always give the same answer.
 */
export function judgeMetrics(
  metrics: Readonly<Record<string, number>>,
  settings: Settings,
): Judged {
  const objectives = allObjectives(settings);
  for (const o of objectives) {
    const v = metrics[o.name];
    if (v === undefined) return { ok: false, kind: "crash", reason: `no ${o.name} reported` };
    if (!Number.isFinite(v))
      return { ok: false, kind: "crash", reason: `${o.name} is not a finite number (${v})` };
  }
  const value =
    settings.rule === "weighted" ? weightedScore(metrics, settings) : metrics[settings.metric.name];
  if (value === undefined)
    return { ok: false, kind: "crash", reason: `no ${settings.metric.name} reported` };
  const broken = objectives.flatMap((o) => {
    const v = metrics[o.name] as number;
    if (o.limit === undefined) return [];
    const over = o.goal === "minimize" ? v > o.limit : v < o.limit;
    return over
      ? [
          `${o.name} ${fmt(v)} is ${o.goal === "minimize" ? "above" : "below"} its limit ${fmt(o.limit)}`,
        ]
      : [];
  });
  if (broken.length > 0) return { ok: false, kind: "limit", reason: broken.join("; "), value };
  return { ok: true, value };
}

/** Σ weight·value, with the objectives to minimize subtracted, so a higher score is better. */
export function weightedScore(
  metrics: Readonly<Record<string, number>>,
  settings: Settings,
): number {
  const goals = new Map(allObjectives(settings).map((o) => [o.name, o.goal]));
  let score = 0;
  for (const [name, weight] of Object.entries(settings.weights ?? {})) {
    const v = metrics[name] ?? Number.NaN;
    score += (goals.get(name) === "minimize" ? -1 : 1) * weight * v;
  }
  return score;
}

function fmt(n: number): string {
  return Number(n.toPrecision(6)).toString();
}
