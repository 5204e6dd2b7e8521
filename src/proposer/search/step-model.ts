import type { HistoryEntry } from "../proposer.ts";

/** One constant change as recorded in the ledger's `changes`. */
export interface ConstantChange {
  file: string;
  name: string;
  from: number;
  to: number;
}

export type Direction = 1 | -1;

/** What the search has learned about one constant. */
export interface Knob {
  /** Step size in log space (a factor of e^step). */
  step: number;
  /** The direction that last produced a keep. */
  preferred?: Direction;
  /** Directions that failed at the current step. */
  failed: Direction[];
  tries: number;
  keeps: number;
}

export const INITIAL_STEP = Math.log(1.5);
const MAX_STEP = Math.log(4);
export const MIN_STEP = Math.log(1.02);

export function isConstantChanges(value: unknown): value is ConstantChange[] {
  return (
    Array.isArray(value) &&
    value.every(
      (c) =>
        typeof c === "object" &&
        c !== null &&
        typeof c.name === "string" &&
        typeof c.from === "number" &&
        typeof c.to === "number",
    )
  );
}

/**
 * Replays the session's history into per-constant step sizes and directions: a kept direction is
 * pursued with a growing step, a failed one is tried the other way, and when both ways fail the
 * step shrinks (a per-coordinate adaptive search, not blind sampling).
 */
export function learnKnobs(history: readonly HistoryEntry[]): Map<string, Knob> {
  const knobs = new Map<string, Knob>();
  for (const entry of history) {
    if (!entry.outcome || entry.outcome === "baseline" || !isConstantChanges(entry.changes))
      continue;
    for (const change of entry.changes) {
      const knob = knobs.get(change.name) ?? { step: INITIAL_STEP, failed: [], tries: 0, keeps: 0 };
      knobs.set(change.name, update(knob, directionOf(change), entry.outcome));
    }
  }
  return knobs;
}

function directionOf(change: ConstantChange): Direction {
  return change.to > change.from ? 1 : -1;
}

function update(knob: Knob, dir: Direction, outcome: "keep" | "discard" | "crash"): Knob {
  const next: Knob = { ...knob, failed: [...knob.failed], tries: knob.tries + 1 };
  if (outcome === "keep") {
    return {
      ...next,
      preferred: dir,
      failed: [],
      keeps: knob.keeps + 1,
      step: Math.min(knob.step * 2, MAX_STEP),
    };
  }
  if (outcome === "crash") next.step = knob.step / 2;
  if (dir === knob.preferred) {
    // Overshoot along a direction that worked before: same way, smaller step.
    return { ...next, step: Math.max(knob.step / 2, MIN_STEP / 2), failed: [] };
  }
  if (!next.failed.includes(dir)) next.failed.push(dir);
  if (next.failed.length === 2) return { ...next, step: next.step / 2, failed: [] };
  return next;
}

/** The value after one step: multiplicative for sizes, in logit space for fractions, additive at zero. */
export function stepValue(value: number, integer: boolean, dir: Direction, step: number): number {
  let next: number;
  // From zero only upwards: knobs that sit at 0 (warm-up ratios, weight decay) are off, not signed.
  if (value === 0) next = dir > 0 ? (integer ? 1 : 0.1) : Number.NaN;
  else if (!integer && value > 0 && value < 1) {
    const logit = Math.log(value / (1 - value)) + dir * step;
    next = 1 / (1 + Math.exp(-logit));
  } else next = value * Math.exp(dir * Math.sign(value) * step);
  if (integer) {
    next = Math.round(next);
    if (next === value) next = value + dir;
  }
  return next;
}
