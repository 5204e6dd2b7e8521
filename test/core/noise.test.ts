import { describe, expect, it } from "vitest";
import { improvement, mean, stdev, threshold } from "../../src/core/index.ts";

describe("noise", () => {
  it("mean is NaN for no values", () => {
    expect(mean([])).toBeNaN();
    expect(mean([1, 2, 6])).toBe(3);
  });

  it("stdev is the sample standard deviation, 0 below two values", () => {
    expect(stdev([])).toBe(0);
    expect(stdev([5])).toBe(0);
    expect(stdev([1, 1.25, 0.75])).toBeCloseTo(0.25, 12);
    expect(stdev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it("threshold is max(min_delta, noise_sigmas·σ)", () => {
    expect(threshold(0.1, 2, 0.01)).toBe(0.1);
    expect(threshold(0.01, 2, 0.1)).toBe(0.2);
    expect(threshold(0, 0, 5)).toBe(0);
  });

  it("improvement is positive when better for the goal", () => {
    expect(improvement(0.9, 1, "minimize")).toBeCloseTo(0.1, 12);
    expect(improvement(1.1, 1, "minimize")).toBeLessThan(0);
    expect(improvement(0.9, 1, "maximize")).toBeLessThan(0);
    expect(improvement(1.5, 1, "maximize")).toBe(0.5);
    expect(improvement(1, 1, "minimize")).toBe(0);
  });
});
