import type { Goal } from "../config/index.ts";

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation; 0 for fewer than two values (one run says nothing about noise). */
export function stdev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/** How much a result must beat the best by to count: max(min_delta, noise_sigmas · σ). */
export function threshold(minDelta: number, noiseSigmas: number, sigma: number): number {
  return Math.max(minDelta, noiseSigmas * sigma);
}

/** Improvement of `value` over `best`, positive when better for the goal. */
export function improvement(value: number, best: number, goal: Goal): number {
  return goal === "minimize" ? best - value : value - best;
}
