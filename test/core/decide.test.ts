import { describe, expect, it } from "vitest";
import { decide, experiment, type Settings } from "../../src/core/index.ts";
import { BASE_SHA, Driver, failed, noMetric, ok, settings } from "./fixtures.ts";

/** A session whose baseline runs have finished with `values`. */
function afterBaseline(values: number[], overrides: Partial<Settings> = {}): Driver {
  const d = new Driver(settings({ baseline_repeats: values.length, ...overrides }));
  for (const v of values) d.finish(d.propose("baseline"), ok(v));
  return d;
}

function candidate(d: Driver, value: number) {
  const id = d.propose("candidate");
  return { id, decision: d.finish(id, ok(value)) };
}

describe("decide: minimize", () => {
  it("keeps a lower value, records best_after and moves the ratchet", () => {
    const d = afterBaseline([1]);
    const { id, decision } = candidate(d, 0.75);
    expect(decision).toMatchObject({
      target: id,
      outcome: "keep",
      value: 0.75,
      best_before: 1,
      best_after: 0.75,
      delta: 0.25,
      threshold: 0,
    });
    expect(d.state.best).toBe(0.75);
    expect(d.state.ratchetSha).toBe(experiment(d.state, id)?.sha);
    expect(experiment(d.state, id)).toMatchObject({ phase: "final", outcome: "keep" });
  });

  it("discards a higher value and leaves the ratchet alone", () => {
    const d = afterBaseline([1]);
    const { decision } = candidate(d, 1.25);
    expect(decision).toMatchObject({ outcome: "discard", delta: -0.25 });
    expect(decision.best_after).toBeUndefined();
    expect(decision.reason).toMatch(/not better/);
    expect(d.state.best).toBe(1);
    expect(d.state.ratchetSha).toBe(BASE_SHA);
  });

  it("discards an equal value, even with no noise gate at all", () => {
    const d = afterBaseline([1], { min_delta: 0, noise_sigmas: 0 });
    expect(candidate(d, 1).decision).toMatchObject({ outcome: "discard", delta: 0, threshold: 0 });
    expect(d.state.ratchetSha).toBe(BASE_SHA);
  });
});

describe("decide: maximize", () => {
  const max = { metric: { name: "val_bpb", goal: "maximize" as const } };

  it("keeps a higher value", () => {
    const d = afterBaseline([0.5], max);
    const { decision } = candidate(d, 0.75);
    expect(decision).toMatchObject({
      outcome: "keep",
      best_before: 0.5,
      best_after: 0.75,
      delta: 0.25,
    });
    expect(d.state.best).toBe(0.75);
  });

  it("discards a lower value and an equal one", () => {
    const d = afterBaseline([0.5], max);
    expect(candidate(d, 0.25).decision).toMatchObject({ outcome: "discard", delta: -0.25 });
    expect(candidate(d, 0.5).decision).toMatchObject({ outcome: "discard", delta: 0 });
    expect(d.state.best).toBe(0.5);
  });
});

describe("decide: the noise gate", () => {
  // σ of [1, 1.25, 0.75] is 0.25; with noise_sigmas 2 the gate is 0.5 and best is 1.
  const noisy = [1, 1.25, 0.75];

  it("discards an improvement within noise_sigmas·σ", () => {
    const d = afterBaseline(noisy, { noise_sigmas: 2 });
    expect(d.state.sigma).toBeCloseTo(0.25, 12);
    const { decision } = candidate(d, 0.625);
    expect(decision.outcome).toBe("discard");
    expect(decision.threshold).toBeCloseTo(0.5, 12);
    expect(decision.reason).toMatch(/within the noise gate/);
  });

  it("keeps an improvement beyond the gate", () => {
    const d = afterBaseline(noisy, { noise_sigmas: 2 });
    expect(candidate(d, 0.25).decision).toMatchObject({ outcome: "keep", best_after: 0.25 });
  });

  it("uses min_delta when it is larger than the noise, and an improvement equal to the gate is not enough", () => {
    const d = afterBaseline([1], { min_delta: 0.25 });
    expect(candidate(d, 0.75).decision).toMatchObject({
      outcome: "discard",
      delta: 0.25,
      threshold: 0.25,
    });
    expect(candidate(d, 0.5).decision).toMatchObject({ outcome: "keep", threshold: 0.25 });
  });

  it("takes the larger of min_delta and noise_sigmas·σ", () => {
    const d = afterBaseline(noisy, { min_delta: 0.75, noise_sigmas: 2 });
    expect(candidate(d, 0.375).decision).toMatchObject({ outcome: "discard", threshold: 0.75 });
  });
});

describe("decide: failures", () => {
  const cases = [
    ["crash", failed("crash", "exit code 1")],
    ["timeout", failed("timeout", "killed at budget + grace")],
    ["invalid", failed("invalid", "locked file changed")],
    ["no metric", noMetric({ peak_vram_mb: 10 })],
    ["a crash that still printed a good metric", failed("crash", "segfault", { val_bpb: 0.1 })],
    ["a non-finite metric", ok(Number.NaN)],
  ] as const;

  for (const [name, run] of cases) {
    it(`${name} is a crash and moves neither the ratchet nor the best`, () => {
      const d = afterBaseline([1]);
      const id = d.propose("candidate");
      const verdict = d.finish(id, run);
      expect(verdict).toMatchObject({ target: id, outcome: "crash" });
      expect(verdict.reason.length).toBeGreaterThan(0);
      expect(d.state.best).toBe(1);
      expect(d.state.ratchetSha).toBe(BASE_SHA);
      expect(experiment(d.state, id)).toMatchObject({ phase: "final", outcome: "crash" });
    });
  }

  it("says which metric is missing, or how the run ended when it gave no reason", () => {
    const d = afterBaseline([1]);
    expect(d.finish(d.propose("candidate"), noMetric()).reason).toBe("no val_bpb reported");
    expect(d.finish(d.propose("candidate"), failed("timeout")).reason).toBe("timeout");
    expect(d.finish(d.propose("candidate"), ok(Number.POSITIVE_INFINITY)).reason).toMatch(
      /not a finite/,
    );
  });

  it("a failed baseline is a crash and sets no best", () => {
    const d = new Driver(settings({ baseline_repeats: 2 }));
    const first = d.propose("baseline");
    expect(d.finish(first, failed("timeout", "killed"))).toMatchObject({
      target: first,
      outcome: "crash",
      reason: "baseline failed: killed",
    });
    expect(d.state.best).toBeUndefined();
    expect(d.state.baselineValues).toEqual([]);
    expect(d.finish(d.propose("baseline"), ok(2))).toMatchObject({ outcome: "baseline", value: 2 });
    expect(d.state.best).toBe(2);
    expect(d.state.sigma).toBe(0);
  });

  it("baselines set best to their mean and σ to their spread", () => {
    const d = afterBaseline([1, 1.25, 0.75]);
    expect(d.state.best).toBe(1);
    expect(d.state.baselineValues).toEqual([1, 1.25, 0.75]);
    expect(d.state.ratchetSha).toBe(BASE_SHA);
  });

  it("discards a candidate when there is no baseline to compare with", () => {
    const d = new Driver(settings());
    expect(d.finish(d.propose("candidate"), ok(0.5))).toMatchObject({ outcome: "discard" });
  });

  it("refuses a run that was never proposed", () => {
    const d = afterBaseline([1]);
    expect(() => decide(d.state, 99, ok(0.5), d.settings)).toThrow(/never proposed/);
  });
});

describe("decide: confirm", () => {
  function confirming(value: number, overrides: Partial<Settings> = {}) {
    const d = afterBaseline([1], { confirm: 2, ...overrides });
    const { id, decision } = candidate(d, value);
    return { d, id, decision };
  }

  it("a passing candidate becomes confirm and waits, without moving the ratchet", () => {
    const { d, id, decision } = confirming(0.5);
    expect(decision).toMatchObject({ target: id, outcome: "confirm", value: 0.5 });
    expect(decision.reason).toMatch(/confirming with 2 more run/);
    expect(experiment(d.state, id)?.phase).toBe("awaiting-confirm");
    expect(experiment(d.state, id)?.outcome).toBeUndefined();
    expect(d.state.ratchetSha).toBe(BASE_SHA);
    expect(d.state.best).toBe(1);
  });

  it("a failing candidate is discarded without confirmation runs", () => {
    const { decision } = confirming(1.25);
    expect(decision.outcome).toBe("discard");
  });

  it("keeps on a good mean of the candidate and its confirmations", () => {
    const { d, id } = confirming(0.5);
    const c1 = d.propose("confirm", { of: id });
    expect(d.finish(c1, ok(0.75))).toMatchObject({
      target: id,
      outcome: "pending",
      reason: "confirmation 1/2",
    });
    expect(experiment(d.state, id)?.phase).toBe("awaiting-confirm");
    const c2 = d.propose("confirm", { of: id });
    const verdict = d.finish(c2, ok(0.625));
    expect(verdict).toMatchObject({
      target: id,
      outcome: "keep",
      value: 0.625,
      best_after: 0.625,
      best_before: 1,
    });
    expect(verdict.reason).toMatch(/^mean of 3 runs/);
    expect(d.state.best).toBe(0.625);
    expect(d.state.ratchetSha).toBe(experiment(d.state, id)?.sha);
    expect(experiment(d.state, id)).toMatchObject({ phase: "final", outcome: "keep" });
    expect(experiment(d.state, c2)?.outcome).toBeUndefined();
  });

  it("discards on a bad mean", () => {
    const { d, id } = confirming(0.5);
    d.finish(d.propose("confirm", { of: id }), ok(1.25));
    const verdict = d.finish(d.propose("confirm", { of: id }), ok(1.25));
    expect(verdict).toMatchObject({ target: id, outcome: "discard", value: 1 });
    expect(d.state.ratchetSha).toBe(BASE_SHA);
    expect(experiment(d.state, id)).toMatchObject({ phase: "final", outcome: "discard" });
  });

  it("discards a mean that is better but within the noise gate", () => {
    const { d, id } = confirming(0.5, { min_delta: 0.25 });
    d.finish(d.propose("confirm", { of: id }), ok(1));
    expect(d.finish(d.propose("confirm", { of: id }), ok(1)).outcome).toBe("discard");
  });

  it("discards the candidate when a confirmation crashes, and a later confirmation cannot revive it", () => {
    const { d, id } = confirming(0.5);
    const c1 = d.propose("confirm", { of: id });
    const c2 = d.propose("confirm", { of: id });
    expect(d.finish(c1, failed("crash", "oom"))).toMatchObject({ target: id, outcome: "discard" });
    expect(experiment(d.state, id)).toMatchObject({ phase: "final", outcome: "discard" });
    expect(d.finish(c2, ok(0.25)).outcome).toBe("pending");
    expect(d.state.ratchetSha).toBe(BASE_SHA);
    expect(d.state.best).toBe(1);
  });

  it("a surplus confirmation cannot re-judge a kept candidate, whether it is worse or crashes", () => {
    // Started twice while the engine was still recording the first (see schedule.ts).
    const { d, id } = confirming(0.5, { confirm: 1 });
    const c1 = d.propose("confirm", { of: id });
    const c2 = d.propose("confirm", { of: id });
    const c3 = d.propose("confirm", { of: id });
    expect(d.finish(c1, ok(0.5)).outcome).toBe("keep");
    const head = d.state.ratchetSha;
    const worse = d.finish(c2, ok(2));
    expect(worse).toMatchObject({ target: id, outcome: "pending" });
    expect(worse.reason).toMatch(/already judged/);
    expect(d.finish(c3, failed("crash")).outcome).toBe("pending");
    expect(experiment(d.state, id)).toMatchObject({ phase: "final", outcome: "keep" });
    expect(d.state.ratchetSha).toBe(head);
    expect(d.state.best).toBe(0.5);
  });

  it("re-bases a confirmed winner when the ratchet moved during its confirmation", () => {
    const d = afterBaseline([1], { confirm: 1, parallel: 2 });
    const a = d.propose("candidate");
    const b = d.propose("candidate");
    expect(d.finish(a, ok(0.5)).outcome).toBe("confirm");
    expect(d.finish(b, ok(0.75)).outcome).toBe("confirm");
    expect(d.finish(d.propose("confirm", { of: b }), ok(0.75)).outcome).toBe("keep");
    const verdict = d.finish(d.propose("confirm", { of: a }), ok(0.5));
    expect(verdict).toMatchObject({ target: a, outcome: "rebase" });
    expect(experiment(d.state, a)?.phase).toBe("awaiting-rebase");
    expect(d.state.ratchetSha).toBe(experiment(d.state, b)?.sha);
    expect(d.state.best).toBe(0.75);
  });
});

describe("decide: rebase", () => {
  it("a winner proposed against an old ratchet head is re-based, not kept", () => {
    const d = afterBaseline([1], { parallel: 2 });
    const a = d.propose("candidate");
    const b = d.propose("candidate");
    expect(d.finish(a, ok(0.75)).outcome).toBe("keep");
    const verdict = d.finish(b, ok(0.5));
    expect(verdict).toMatchObject({ target: b, outcome: "rebase", best_before: 0.75 });
    expect(verdict.reason).toMatch(/ratchet moved/);
    expect(d.state.ratchetSha).toBe(experiment(d.state, a)?.sha);
    expect(d.state.best).toBe(0.75);
    expect(experiment(d.state, b)).toMatchObject({ phase: "awaiting-rebase" });
    expect(experiment(d.state, b)?.outcome).toBeUndefined();

    const r = d.propose("rebase", { of: b });
    expect(experiment(d.state, b)).toMatchObject({ phase: "final", outcome: "discard" });
    expect(experiment(d.state, r)?.parent).toBe(experiment(d.state, a)?.sha);
    expect(d.finish(r, ok(0.5))).toMatchObject({ target: r, outcome: "keep", best_after: 0.5 });
    expect(d.state.ratchetSha).toBe(experiment(d.state, r)?.sha);
  });

  it("a stale candidate that does not beat the new best is simply discarded", () => {
    const d = afterBaseline([1], { parallel: 2 });
    const a = d.propose("candidate");
    const b = d.propose("candidate");
    d.finish(a, ok(0.5));
    expect(d.finish(b, ok(0.75)).outcome).toBe("discard");
  });

  it("a rebase that no longer applies is final and discarded", () => {
    const d = afterBaseline([1], { parallel: 2 });
    const a = d.propose("candidate");
    const b = d.propose("candidate");
    d.finish(a, ok(0.75));
    d.finish(b, ok(0.5));
    d.rebaseFailed(b);
    expect(experiment(d.state, b)).toMatchObject({ phase: "final", outcome: "discard" });
  });
});
