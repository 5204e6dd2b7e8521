/**
 * Running best of an experiment log. Pure so the chart and the text report agree
 * on exactly which experiment held the record at each step.
 */

export type Goal = "minimize" | "maximize";

/** The minimal shape runningBest reads; ChartPoint satisfies it. */
export interface BestInput {
  index: number;
  value: number | null;
  status: "keep" | "discard" | "crash" | "baseline";
}

export interface BestStep {
  index: number;
  best: number;
}

/**
 * One step per accepted experiment (baseline or keep with a finite value), in index order,
 * carrying the best accepted value so far. Discards never move the record (they were
 * rejected), and crashes have no value, so both are skipped rather than repeated: a
 * step-after line through these steps is the record over time.
 */
export function runningBest(points: readonly BestInput[], goal: Goal): BestStep[] {
  const better = goal === "minimize" ? Math.min : Math.max;
  const accepted = points
    .filter((p) => (p.status === "keep" || p.status === "baseline") && isFiniteNumber(p.value))
    .sort((a, b) => a.index - b.index);
  const steps: BestStep[] = [];
  let best: number | undefined;
  for (const point of accepted) {
    // The filter above guarantees a number; the fallback only satisfies the type checker.
    const value = point.value ?? Number.NaN;
    best = best === undefined ? value : better(best, value);
    steps.push({ index: point.index, best });
  }
  return steps;
}

function isFiniteNumber(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}
