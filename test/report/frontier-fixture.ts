import type { RunSummary, Settings } from "../../src/core/index.ts";
import { Driver, failed, ok, settings } from "../core/fixtures.ts";

/** A harness session's settings: accuracy (the metric) up, context tokens down, within a limit. */
export function harnessSettings(overrides: Partial<Settings> = {}): Settings {
  return settings({
    metric: { name: "accuracy", goal: "maximize" },
    objectives: [{ name: "context_tokens", goal: "minimize", limit: 5000 }],
    rule: "primary",
    ...overrides,
  });
}

export function run(accuracy: number, tokens: number): RunSummary {
  return ok(accuracy, { context_tokens: tokens }, "accuracy");
}

/**
 * Two baselines (0.60 and 0.62 at 2,000 tokens, one point at their mean), then candidates:
 * exp-3 kept (0.80, 3,000), exp-4 discarded but cheap (0.70, 1,200), exp-5 dominated (0.65,
 * 3,500), exp-6 crashed, exp-7 the most accurate but over the token limit (0.90, 6,000), and
 * exp-8 kept (0.85, 4,000), the ratchet head. Frontier: 7, 8, 3, 4.
 */
export function harnessSession(): Driver {
  const d = new Driver(harnessSettings({ baseline_repeats: 2 }), { session: "h1" });
  d.finish(d.propose("baseline"), run(0.6, 2000));
  d.finish(d.propose("baseline"), run(0.62, 2000));
  d.finish(d.propose("candidate", { description: "retrieve 3 examples" }), run(0.8, 3000));
  d.finish(d.propose("candidate", { description: "shorter | preamble" }), run(0.7, 1200));
  d.finish(d.propose("candidate", { description: "dominated idea" }), run(0.65, 3500));
  d.finish(d.propose("candidate", { description: "boom" }), failed("crash", "OOM"));
  d.finish(d.propose("candidate", { description: "whole thread as context" }), run(0.9, 6000));
  d.finish(d.propose("candidate", { description: "retrieve 5 examples" }), run(0.85, 4000));
  return d;
}
