import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dominates,
  type ParetoPoint,
  paretoFrontier,
  type Settings,
  sessionFrontier,
} from "../../src/core/index.ts";
import { Driver, failed, ok, settings } from "./fixtures.ts";

const OBJECTIVES = [
  { name: "accuracy", goal: "maximize" },
  { name: "tokens", goal: "minimize" },
] as const;

const point = (id: number, accuracy: number, tokens: number): ParetoPoint => ({
  id,
  sha: `sha${id}`,
  values: { accuracy, tokens },
});

describe("dominates", () => {
  it("needs no worse on every objective and better on one", () => {
    expect(
      dominates({ accuracy: 0.9, tokens: 100 }, { accuracy: 0.8, tokens: 100 }, OBJECTIVES),
    ).toBe(true);
    expect(
      dominates({ accuracy: 0.9, tokens: 200 }, { accuracy: 0.8, tokens: 100 }, OBJECTIVES),
    ).toBe(false);
    expect(
      dominates({ accuracy: 0.8, tokens: 100 }, { accuracy: 0.8, tokens: 100 }, OBJECTIVES),
    ).toBe(false);
  });
});

describe("paretoFrontier", () => {
  it("keeps the trade-offs and drops what is beaten on both", () => {
    const points = [point(1, 0.6, 100), point(2, 0.8, 400), point(3, 0.7, 500), point(4, 0.9, 900)];
    expect(paretoFrontier(points, OBJECTIVES).map((p) => p.id)).toEqual([1, 2, 4]);
  });

  it("counts equal points once", () => {
    const points = [point(1, 0.6, 100), point(2, 0.6, 100)];
    expect(paretoFrontier(points, OBJECTIVES).map((p) => p.id)).toEqual([1]);
  });

  it("holds for any set: no member is dominated, every non-member is", () => {
    const arb = fc.array(
      fc.record({
        accuracy: fc.integer({ min: 0, max: 20 }),
        tokens: fc.integer({ min: 0, max: 20 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (values) => {
        const points = values.map((v, i) => point(i + 1, v.accuracy, v.tokens));
        const front = paretoFrontier(points, OBJECTIVES);
        for (const f of front)
          expect(points.some((p) => dominates(p.values, f.values, OBJECTIVES))).toBe(false);
        for (const p of points) {
          if (front.includes(p)) continue;
          const covered = front.some(
            (f) =>
              dominates(f.values, p.values, OBJECTIVES) ||
              OBJECTIVES.every((o) => f.values[o.name] === p.values[o.name]),
          );
          expect(covered).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("sessionFrontier", () => {
  const s: Settings = settings({
    metric: { name: "accuracy", goal: "maximize" },
    objectives: [{ name: "tokens", goal: "minimize" }],
    rule: "primary",
  });
  const run = (accuracy: number, tokens: number) => ok(accuracy, { tokens }, "accuracy");

  it("is empty for a single-objective session", () => {
    const d = new Driver(settings());
    d.finish(d.propose("baseline"), ok(1));
    expect(sessionFrontier(d.state)).toEqual([]);
  });

  it("spans kept and discarded candidates, folds repeats of a commit, skips crashes", () => {
    const d = new Driver({ ...s, baseline_repeats: 2 });
    d.finish(d.propose("baseline"), run(0.6, 100));
    d.finish(d.propose("baseline"), run(0.62, 100));
    d.finish(d.propose("candidate"), run(0.8, 400)); // kept
    d.finish(d.propose("candidate"), run(0.7, 120)); // discarded, still a trade-off
    d.finish(d.propose("candidate"), run(0.65, 900)); // dominated
    d.finish(d.propose("candidate"), failed("crash", "boom"));
    const front = sessionFrontier(d.state);
    expect(front.map((p) => p.id)).toEqual([1, 3, 4]);
    expect(front[0]?.values.accuracy).toBeCloseTo(0.61);
    expect(d.state.objectives.map((o) => o.name)).toEqual(["accuracy", "tokens"]);
  });
});
