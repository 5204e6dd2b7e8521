import { describe, expect, it } from "vitest";
import { type BestInput, runningBest } from "../../src/report/running-best.ts";

const log: BestInput[] = [
  { index: 0, value: 2.1, status: "baseline" },
  { index: 1, value: 2.0, status: "keep" },
  { index: 2, value: 1.5, status: "discard" },
  { index: 3, value: null, status: "crash" },
  { index: 4, value: 2.05, status: "keep" },
  { index: 5, value: 1.9, status: "keep" },
];

describe("runningBest", () => {
  it("tracks the minimum of accepted results, skipping crashes and discards", () => {
    expect(runningBest(log, "minimize")).toEqual([
      { index: 0, best: 2.1 },
      { index: 1, best: 2.0 },
      // A keep that is worse than the record does not move it.
      { index: 4, best: 2.0 },
      { index: 5, best: 1.9 },
    ]);
  });

  it("tracks the maximum when the goal is to maximize", () => {
    expect(runningBest(log, "maximize")).toEqual([
      { index: 0, best: 2.1 },
      { index: 1, best: 2.1 },
      { index: 4, best: 2.1 },
      { index: 5, best: 2.1 },
    ]);
    const rising: BestInput[] = [
      { index: 0, value: 60, status: "baseline" },
      { index: 1, value: 99, status: "discard" },
      { index: 2, value: 62, status: "keep" },
      { index: 3, value: null, status: "crash" },
      { index: 4, value: 65, status: "keep" },
    ];
    expect(runningBest(rising, "maximize")).toEqual([
      { index: 0, best: 60 },
      { index: 2, best: 62 },
      { index: 4, best: 65 },
    ]);
  });

  it("orders by index and ignores accepted rows without a finite value", () => {
    const shuffled: BestInput[] = [
      { index: 3, value: 1, status: "keep" },
      { index: 1, value: 3, status: "baseline" },
      { index: 2, value: null, status: "keep" },
      { index: 4, value: Number.NaN, status: "keep" },
    ];
    expect(runningBest(shuffled, "minimize")).toEqual([
      { index: 1, best: 3 },
      { index: 3, best: 1 },
    ]);
  });

  it("is empty when nothing was accepted", () => {
    expect(runningBest([], "minimize")).toEqual([]);
    expect(runningBest([{ index: 0, value: null, status: "crash" }], "maximize")).toEqual([]);
  });
});
