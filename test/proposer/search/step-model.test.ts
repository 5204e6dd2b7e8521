import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "../../../src/proposer/index.ts";
import {
  type ConstantChange,
  INITIAL_STEP,
  learnKnobs,
  MIN_STEP,
  stepValue,
} from "../../../src/proposer/search/step-model.ts";

const MAX_STEP = Math.log(4);

let id = 0;
function tried(
  outcome: HistoryEntry["outcome"],
  ...changes: [string, number, number][]
): HistoryEntry {
  id += 1;
  return {
    experiment: id,
    kind: "candidate",
    description: changes.map(([name, from, to]) => `${name} ${from} → ${to}`).join(", "),
    changes: changes.map(
      ([name, from, to]): ConstantChange => ({ file: "train.py", name, from, to }),
    ),
    ...(outcome === undefined ? {} : { outcome }),
  };
}

function knob(history: HistoryEntry[], name = "LR") {
  const k = learnKnobs(history).get(name);
  if (!k) throw new Error(`no knob for ${name}`);
  return k;
}

describe("learnKnobs", () => {
  it("knows nothing without history", () => {
    expect(learnKnobs([])).toEqual(new Map());
  });

  it("after a keep: prefers that direction and doubles the step", () => {
    expect(knob([tried("keep", ["LR", 0.04, 0.06])])).toEqual({
      step: 2 * INITIAL_STEP,
      preferred: 1,
      failed: [],
      tries: 1,
      keeps: 1,
    });
    expect(knob([tried("keep", ["LR", 0.04, 0.03])])).toMatchObject({
      step: 2 * INITIAL_STEP,
      preferred: -1,
    });
  });

  it("keeps growing the step along a winning direction, up to a cap", () => {
    const steps = [1, 2, 3, 4].map(
      (n) => knob(Array.from({ length: n }, () => tried("keep", ["LR", 1, 2]))).step,
    );
    expect(steps[1]).toBeGreaterThan(steps[0] ?? Number.POSITIVE_INFINITY);
    expect(Math.max(...steps)).toBeLessThanOrEqual(MAX_STEP);
    expect(steps[3]).toBe(MAX_STEP);
  });

  it("one failed direction is remembered; both failing halves the step and starts over", () => {
    const up = knob([tried("discard", ["LR", 0.04, 0.06])]);
    expect(up).toMatchObject({ step: INITIAL_STEP, failed: [1], tries: 1, keeps: 0 });
    expect(up.preferred).toBeUndefined();
    const both = knob([
      tried("discard", ["LR", 0.04, 0.06]),
      tried("discard", ["LR", 0.04, 0.027]),
    ]);
    expect(both).toMatchObject({ step: INITIAL_STEP / 2, failed: [], tries: 2 });
    expect(both.preferred).toBeUndefined();
    // Failing the same way twice is not "both ways".
    expect(
      knob([tried("discard", ["LR", 0.04, 0.06]), tried("discard", ["LR", 0.04, 0.05])]),
    ).toMatchObject({
      step: INITIAL_STEP,
      failed: [1],
    });
  });

  it("an overshoot after a keep: same way, smaller step", () => {
    const k = knob([tried("keep", ["LR", 0.04, 0.06]), tried("discard", ["LR", 0.06, 0.12])]);
    expect(k.preferred).toBe(1);
    expect(k.step).toBeLessThan(2 * INITIAL_STEP);
    expect(k.step).toBeGreaterThan(0);
    expect(k.failed).toEqual([]);
    // Overshoots keep shrinking the step but never to nothing.
    const many = knob([
      tried("keep", ["LR", 1, 2]),
      ...Array.from({ length: 30 }, () => tried("discard", ["LR", 2, 3])),
    ]);
    expect(many.preferred).toBe(1);
    expect(many.step).toBeGreaterThan(0);
    expect(many.step).toBeLessThan(MIN_STEP);
  });

  it("a crash shrinks the step", () => {
    expect(knob([tried("crash", ["LR", 0.04, 0.06])]).step).toBeLessThan(INITIAL_STEP);
    expect(knob([tried("keep", ["LR", 1, 2]), tried("crash", ["LR", 2, 4])]).step).toBeLessThan(
      2 * INITIAL_STEP,
    );
    expect(knob([tried("crash", ["LR", 1, 2]), tried("crash", ["LR", 1, 0.5])]).step).toBeLessThan(
      INITIAL_STEP / 2,
    );
  });

  it("learns every constant of a two-constant change, and ignores what has no outcome or no readable changes", () => {
    const knobs = learnKnobs([
      tried("keep", ["LR", 1, 2], ["DEPTH", 8, 6]),
      tried(undefined, ["LR", 2, 4]),
      tried("baseline", ["LR", 2, 4]),
      {
        experiment: 99,
        kind: "candidate",
        description: "free text",
        changes: "not a list",
        outcome: "discard",
      },
      {
        experiment: 100,
        kind: "candidate",
        description: "bad",
        changes: [{ name: "LR" }],
        outcome: "discard",
      },
    ]);
    expect([...knobs.keys()].sort()).toEqual(["DEPTH", "LR"]);
    expect(knobs.get("LR")).toMatchObject({ preferred: 1, tries: 1, keeps: 1 });
    expect(knobs.get("DEPTH")).toMatchObject({ preferred: -1, tries: 1, keeps: 1 });
  });

  it("never yields a non-positive or oversized step, whatever the history (property)", () => {
    const entry = fc
      .tuple(
        fc.constantFrom<HistoryEntry["outcome"]>("keep", "discard", "crash", undefined),
        fc.boolean(),
      )
      .map(([outcome, up]) => tried(outcome, ["LR", 1, up ? 2 : 0.5]));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (history) => {
        const k = learnKnobs(history).get("LR");
        if (!k) return;
        expect(k.step).toBeGreaterThan(0);
        expect(k.step).toBeLessThanOrEqual(MAX_STEP);
        expect(k.failed.length).toBeLessThan(2);
        expect(k.tries).toBe(history.filter((e) => e.outcome !== undefined).length);
      }),
    );
  });
});

describe("stepValue", () => {
  const step = fc.double({ min: MIN_STEP / 8, max: MAX_STEP, noNaN: true });
  const dir = fc.constantFrom<1 | -1>(1, -1);

  it("is multiplicative for sizes", () => {
    expect(stepValue(8, true, 1, Math.log(1.5))).toBe(12);
    expect(stepValue(8, true, -1, Math.log(2))).toBe(4);
    expect(stepValue(2.5, false, 1, Math.log(2))).toBeCloseTo(5, 12);
  });

  it("moves fractions in logit space: the odds scale by e^step", () => {
    expect(stepValue(0.04, false, 1, Math.log(1.5))).toBeCloseTo(1 / 17, 12); // odds 1/24 → 1/16
    expect(stepValue(0.5, false, -1, Math.log(3))).toBeCloseTo(0.25, 12); // odds 1 → 1/3
    // A small fraction such as a learning rate moves almost multiplicatively.
    expect(stepValue(3e-4, false, -1, Math.log(2)) / 1.5e-4).toBeCloseTo(1, 3);
  });

  it("keeps fractions inside (0, 1) and moves them the asked way (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }), dir, step, (v, d, s) => {
        const next = stepValue(v, false, d, s);
        expect(next).toBeGreaterThan(0);
        expect(next).toBeLessThan(1);
        if (d > 0) expect(next).toBeGreaterThan(v);
        else expect(next).toBeLessThan(v);
      }),
    );
  });

  it("moves integers by at least 1, to an integer, the asked way (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000, max: 10_000 }), dir, step, (v, d, s) => {
        fc.pre(v !== 0 || d > 0); // from zero there is no way down (tested below)
        const next = stepValue(v, true, d, s);
        expect(Number.isInteger(next)).toBe(true);
        expect(Math.abs(next - v)).toBeGreaterThanOrEqual(1);
        expect(Math.sign(next - v)).toBe(d);
      }),
    );
    expect(stepValue(1, true, 1, MIN_STEP)).toBe(2);
    expect(stepValue(1, true, -1, MIN_STEP)).toBe(0);
    expect(stepValue(100, true, 1, MIN_STEP)).toBe(102);
  });

  it("moves zero additively, and only upwards (a knob at 0 is off, not signed)", () => {
    expect(stepValue(0, false, 1, INITIAL_STEP)).toBe(0.1);
    expect(stepValue(0, true, 1, INITIAL_STEP)).toBe(1);
    expect(stepValue(0, false, -1, INITIAL_STEP)).toBeNaN();
    expect(stepValue(0, true, -1, MAX_STEP)).toBeNaN();
  });

  it("keeps negatives negative, with up meaning towards zero (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: -1e-6, noNaN: true }), dir, step, (v, d, s) => {
        const next = stepValue(v, false, d, s);
        expect(next).toBeLessThan(0);
        if (d > 0) expect(next).toBeGreaterThan(v);
        else expect(next).toBeLessThan(v);
      }),
    );
    expect(stepValue(-0.5, false, 1, Math.log(2))).toBeCloseTo(-0.25, 12);
    expect(stepValue(-10, true, -1, Math.log(1.5))).toBe(-15);
  });

  it("keeps positive sizes positive (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e9, noNaN: true }), dir, step, (v, d, s) => {
        expect(stepValue(v, false, d, s)).toBeGreaterThan(0);
      }),
    );
  });
});
