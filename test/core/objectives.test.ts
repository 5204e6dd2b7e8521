import { describe, expect, it } from "vitest";
import {
  experiment,
  judgedMetric,
  judgeMetrics,
  type Settings,
  weightedScore,
} from "../../src/core/index.ts";
import { Driver, ok, settings } from "./fixtures.ts";

const harness = (overrides: Partial<Settings> = {}): Settings =>
  settings({
    metric: { name: "accuracy", goal: "maximize" },
    objectives: [{ name: "context_tokens", goal: "minimize", limit: 2000 }],
    rule: "primary",
    ...overrides,
  });

describe("judgeMetrics", () => {
  it("judges by the metric under rule primary, within every limit", () => {
    expect(judgeMetrics({ accuracy: 0.8, context_tokens: 1500 }, harness())).toEqual({
      ok: true,
      value: 0.8,
    });
  });

  it("names the objective, its value and its limit when a limit is broken", () => {
    expect(judgeMetrics({ accuracy: 0.9, context_tokens: 2400 }, harness())).toEqual({
      ok: false,
      kind: "limit",
      reason: "context_tokens 2400 is above its limit 2000",
      value: 0.9,
    });
    const floor = harness({
      objectives: [{ name: "recall", goal: "maximize", limit: 0.5 }],
    });
    expect(judgeMetrics({ accuracy: 0.9, recall: 0.4 }, floor)).toMatchObject({
      kind: "limit",
      reason: "recall 0.4 is below its limit 0.5",
    });
  });

  it("is a crash when an objective was not reported or is not finite", () => {
    expect(judgeMetrics({ accuracy: 0.9 }, harness())).toEqual({
      ok: false,
      kind: "crash",
      reason: "no context_tokens reported",
    });
    expect(judgeMetrics({ accuracy: Number.NaN, context_tokens: 1 }, harness())).toMatchObject({
      kind: "crash",
      reason: "accuracy is not a finite number (NaN)",
    });
  });

  it("scores Σ weight·value with minimized objectives subtracted under rule weighted", () => {
    const s = harness({ rule: "weighted", weights: { accuracy: 1, context_tokens: 0.0001 } });
    expect(weightedScore({ accuracy: 0.8, context_tokens: 1000 }, s)).toBeCloseTo(0.7);
    expect(judgeMetrics({ accuracy: 0.8, context_tokens: 1000 }, s)).toEqual({
      ok: true,
      value: expect.closeTo(0.7),
    });
    expect(judgedMetric(s)).toEqual({ name: "score", goal: "maximize" });
    expect(judgedMetric(harness())).toEqual({ name: "accuracy", goal: "maximize" });
  });
});

describe("decide under a ratchet rule", () => {
  function session(s: Settings, baseline: Record<string, number>): Driver {
    const d = new Driver(s);
    d.finish(d.propose("baseline"), ok(baseline.accuracy ?? 0, baseline, "accuracy"));
    return d;
  }
  const run = (accuracy: number, context_tokens: number) =>
    ok(accuracy, { context_tokens }, "accuracy");

  it("rule primary: keeps a better metric within the limit, discards one above it", () => {
    const d = session(harness(), { accuracy: 0.6, context_tokens: 500 });
    const over = d.finish(d.propose("candidate"), run(0.95, 2500));
    expect(over).toMatchObject({
      outcome: "discard",
      reason: "context_tokens 2500 is above its limit 2000",
      value: 0.95,
    });
    const within = d.finish(d.propose("candidate"), run(0.8, 1800));
    expect(within).toMatchObject({ outcome: "keep", best_before: 0.6, best_after: 0.8 });
    expect(d.state.best).toBe(0.8);
  });

  it("rule weighted: a cheaper candidate with the same accuracy is kept", () => {
    const s = harness({
      objectives: [{ name: "context_tokens", goal: "minimize" }],
      rule: "weighted",
      weights: { accuracy: 1, context_tokens: 0.001 },
    });
    const d = session(s, { accuracy: 0.8, context_tokens: 400 });
    expect(d.state.best).toBeCloseTo(0.4);
    const cheaper = d.finish(d.propose("candidate"), run(0.8, 100));
    expect(cheaper).toMatchObject({ outcome: "keep", value: expect.closeTo(0.7) });
    const costlier = d.finish(d.propose("candidate"), run(0.85, 300));
    expect(costlier).toMatchObject({ outcome: "discard" });
  });

  it("a candidate missing an objective is a crash that says which", () => {
    const d = session(harness(), { accuracy: 0.6, context_tokens: 500 });
    const id = d.propose("candidate");
    expect(d.finish(id, ok(0.9, {}, "accuracy"))).toMatchObject({
      outcome: "crash",
      reason: "no context_tokens reported",
    });
    expect(experiment(d.state, id)?.outcome).toBe("crash");
  });

  it("a baseline above a limit still sets the bar, and says so", () => {
    const d = session(harness(), { accuracy: 0.7, context_tokens: 3000 });
    expect(d.state.best).toBe(0.7);
    expect(experiment(d.state, 1)?.decision?.reason).toBe(
      "baseline (context_tokens 3000 is above its limit 2000)",
    );
  });
});

describe("the noise gate and floating-point rounding", () => {
  it("does not let rounding beat min_delta: 0.715 − 0.71 is not more than 0.005", () => {
    const d = new Driver(
      settings({ metric: { name: "accuracy", goal: "maximize" }, min_delta: 0.005 }),
    );
    d.finish(d.propose("baseline"), ok(0.71, {}, "accuracy"));
    expect(d.finish(d.propose("candidate"), ok(0.715, {}, "accuracy")).outcome).toBe("discard");
    expect(d.finish(d.propose("candidate"), ok(0.7151, {}, "accuracy")).outcome).toBe("keep");
  });
});
