import { describe, expect, it } from "vitest";
import {
  type Action,
  activeMs,
  experiment,
  nextActions,
  proposalsAhead,
  type Settings,
  stopReason,
} from "../../src/core/index.ts";
import { Driver, failed, ok, settings } from "./fixtures.ts";

const none = new Set<number>();
const HOUR = 3_600_000;

function ready(overrides: Partial<Settings> = {}, baseline = 1): Driver {
  const d = new Driver(settings(overrides));
  d.finish(d.propose("baseline"), ok(baseline));
  return d;
}

function next(d: Driver, active: Iterable<number> = none): Action[] {
  return nextActions(d.state, d.settings, new Set(active), d.clock);
}

describe("nextActions: baselines", () => {
  it("starts baseline_repeats baselines, at most `parallel` at a time", () => {
    const d = new Driver(settings({ baseline_repeats: 3, parallel: 2 }));
    expect(next(d)).toEqual([{ type: "baseline" }, { type: "baseline" }]);
    const b1 = d.propose("baseline");
    const b2 = d.propose("baseline");
    expect(next(d, [b1, b2])).toEqual([]);
    d.finish(b1, ok(1));
    expect(next(d, [b2])).toEqual([{ type: "baseline" }]);
  });

  it("never asks for more baselines than baseline_repeats, even with slots to spare", () => {
    const d = new Driver(settings({ baseline_repeats: 2, parallel: 8 }));
    expect(next(d)).toEqual([{ type: "baseline" }, { type: "baseline" }]);
  });

  it("counts baselines still being set up, so no extra baseline starts", () => {
    const d = new Driver(settings({ baseline_repeats: 2, parallel: 3 }));
    expect(next(d)).toEqual([{ type: "baseline" }, { type: "baseline" }]);
    const b1 = d.propose("baseline");
    expect(next(d, [b1, -2])).toEqual([]);
    d.finish(b1, failed("crash"));
    expect(next(d, [-2])).toEqual([]);
  });

  it("proposes nothing until every baseline is final", () => {
    const d = new Driver(settings({ baseline_repeats: 2, parallel: 4 }));
    const b1 = d.propose("baseline");
    const b2 = d.propose("baseline");
    d.finish(b1, ok(1));
    expect(next(d, [b2])).toEqual([]);
    d.finish(b2, ok(1));
    expect(next(d)).toEqual(Array(4).fill({ type: "propose" }));
  });
});

describe("nextActions: slots", () => {
  it("fills the free slots with proposals and never exceeds `parallel`", () => {
    const d = ready({ parallel: 3 });
    expect(next(d)).toHaveLength(3);
    const a = d.propose("candidate");
    const b = d.propose("candidate");
    expect(next(d, [a, b])).toEqual([{ type: "propose" }]);
    const c = d.propose("candidate");
    expect(next(d, [a, b, c])).toEqual([]);
  });

  it("proposes no more than max_experiments allows", () => {
    const d = ready({ parallel: 5, max_experiments: 2 });
    expect(next(d)).toEqual([{ type: "propose" }, { type: "propose" }]);
  });

  it("counts runs still being set up (numbers the ledger does not know) against max_experiments", () => {
    const d = ready({ parallel: 4, max_experiments: 3 });
    expect(next(d)).toHaveLength(3);
    const a = d.propose("candidate");
    // a is recorded and running, two more proposals are still being made
    expect(next(d, [a, -1, -2])).toEqual([]);
    d.finish(a, ok(2));
    expect(next(d, [-1, -2])).toEqual([]);
  });

  it("re-runs experiments the ledger shows as running that nobody is executing", () => {
    const d = ready({ parallel: 2 });
    const a = d.propose("candidate");
    const b = d.propose("candidate");
    d.interrupt(a);
    expect(experiment(d.state, a)?.phase).toBe("interrupted");
    expect(next(d)).toEqual([
      { type: "rerun", experiment: a },
      { type: "rerun", experiment: b },
    ]);
    expect(next(d, [b])).toEqual([{ type: "rerun", experiment: a }]);
    expect(next(d, [a, b])).toEqual([]);
  });

  it("re-runs an orphaned baseline before starting the remaining ones", () => {
    const d = new Driver(settings({ baseline_repeats: 3, parallel: 2 }));
    const b1 = d.propose("baseline");
    expect(next(d)).toEqual([{ type: "rerun", experiment: b1 }, { type: "baseline" }]);
  });
});

describe("nextActions: confirm and rebase", () => {
  it("asks for the confirmation runs a candidate still needs", () => {
    const d = ready({ confirm: 2, parallel: 4 });
    const a = d.propose("candidate");
    d.finish(a, ok(0.5));
    expect(next(d)).toEqual([
      { type: "confirm", of: a },
      { type: "confirm", of: a },
      { type: "propose" },
      { type: "propose" },
    ]);
    const c1 = d.propose("confirm", { of: a });
    expect(next(d, [c1])).toEqual([
      { type: "confirm", of: a },
      { type: "propose" },
      { type: "propose" },
    ]);
  });

  it("asks for a rebase of a winner proposed against an old head, once", () => {
    const d = ready({ parallel: 2 });
    const a = d.propose("candidate");
    const b = d.propose("candidate");
    d.finish(a, ok(0.75));
    d.finish(b, ok(0.5));
    expect(next(d)).toEqual([{ type: "rebase", of: b }, { type: "propose" }]);
    const r = d.propose("rebase", { of: b });
    expect(next(d, [r])).toEqual([{ type: "propose" }]);
  });

  it("finishes confirmations and rebases after max_experiments, then finishes", () => {
    const d = ready({ confirm: 1, max_experiments: 1 });
    const a = d.propose("candidate");
    expect(next(d, [a])).toEqual([]);
    d.finish(a, ok(0.5));
    expect(next(d)).toEqual([{ type: "confirm", of: a }]);
    const c = d.propose("confirm", { of: a });
    expect(next(d, [c])).toEqual([]);
    d.finish(c, ok(0.5));
    expect(next(d)).toEqual([{ type: "finish", reason: "reached max_experiments (1)" }]);
  });
});

describe("nextActions: finish and stop reasons", () => {
  it("finishes only when nothing is in flight", () => {
    const d = ready({ max_experiments: 2, parallel: 2 });
    const a = d.propose("candidate");
    const b = d.propose("candidate");
    d.finish(a, ok(2));
    expect(stopReason(d.state, d.settings, d.clock)).toBe("reached max_experiments (2)");
    expect(next(d, [b])).toEqual([]);
    d.finish(b, ok(2));
    expect(next(d)).toEqual([{ type: "finish", reason: "reached max_experiments (2)" }]);
  });

  it("counts a run that has no experiment number yet (still being proposed) as in flight", () => {
    const d = ready({ max_experiments: 1, parallel: 2 });
    d.finish(d.propose("candidate"), ok(2));
    const proposing = -1;
    expect(next(d, [proposing])).toEqual([]);
    expect(next(d)).toEqual([{ type: "finish", reason: "reached max_experiments (1)" }]);
  });

  it("stops at max_hours of active time, not counting time while autoopt was not running", () => {
    const d = ready({ max_hours: 1 }); // session, proposed, finished: a minute apart
    expect(d.state.activeMs).toBe(2 * 60_000);
    d.idle(5 * HOUR);
    d.resume();
    expect(d.state.activeMs).toBe(2 * 60_000);
    expect(activeMs(d.state, d.clock + 30 * 60_000)).toBe(32 * 60_000);
    expect(next(d)).toEqual([{ type: "propose" }]);
    expect(stopReason(d.state, d.settings, d.clock + 57 * 60_000)).toBeUndefined();
    const late = d.clock + 58 * 60_000;
    expect(stopReason(d.state, d.settings, late)).toBe("reached max_hours (1)");
    expect(nextActions(d.state, d.settings, none, late)).toEqual([
      { type: "finish", reason: "reached max_hours (1)" },
    ]);
  });

  it("counts the time between events towards max_hours", () => {
    const d = ready({ max_hours: 1 });
    d.idle(HOUR);
    const a = d.propose("candidate");
    expect(d.state.activeMs).toBeGreaterThan(HOUR);
    expect(stopReason(d.state, d.settings, d.clock)).toBe("reached max_hours (1)");
    expect(next(d, [a])).toEqual([]);
  });

  it("stops on a plateau of experiments without a keep, and a keep resets it", () => {
    const d = ready({ plateau: 2, parallel: 1 });
    d.finish(d.propose("candidate"), ok(2));
    expect(stopReason(d.state, d.settings, d.clock)).toBeUndefined();
    d.finish(d.propose("candidate"), ok(0.5));
    d.finish(d.propose("candidate"), failed("crash"));
    expect(stopReason(d.state, d.settings, d.clock)).toBeUndefined();
    d.finish(d.propose("candidate"), ok(3));
    const reason = "no keep in the last 2 experiments (plateau)";
    expect(stopReason(d.state, d.settings, d.clock)).toBe(reason);
    expect(next(d)).toEqual([{ type: "finish", reason }]);
  });

  it("an explicit stop finishes once nothing is in flight, and resuming clears it", () => {
    const d = ready({ parallel: 2 });
    const a = d.propose("candidate");
    d.stop("/autoopt stop by @maintainer");
    expect(next(d, [a])).toEqual([]);
    expect(next(d)).toEqual([{ type: "finish", reason: "/autoopt stop by @maintainer" }]);
    expect(stopReason(d.state, d.settings, d.clock)).toBe("/autoopt stop by @maintainer");
    d.resume();
    expect(d.state.stopped).toBeUndefined();
    expect(next(d, [a])).toEqual([{ type: "propose" }]);
  });

  it("finishes when every baseline crashed", () => {
    const d = new Driver(settings({ baseline_repeats: 2, parallel: 2 }));
    const b1 = d.propose("baseline");
    const b2 = d.propose("baseline");
    d.finish(b1, failed("crash", "ImportError: torch"));
    expect(next(d, [b2])).toEqual([]);
    d.finish(b2, failed("timeout"));
    const actions = next(d);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ type: "finish" });
    expect(stopReason(d.state, d.settings, d.clock)).toMatch(
      /^the baseline failed \(baseline failed: ImportError: torch\)/,
    );
  });

  it("goes on when at least one baseline worked", () => {
    const d = new Driver(settings({ baseline_repeats: 2 }));
    d.finish(d.propose("baseline"), failed("crash"));
    d.finish(d.propose("baseline"), ok(1));
    expect(d.state.best).toBe(1);
    expect(next(d)).toEqual([{ type: "propose" }]);
  });
});

describe("proposalsAhead", () => {
  const ahead = (d: Driver, active: Iterable<number> = none, pooled = 0) =>
    proposalsAhead(d.state, d.settings, new Set(active), pooled, d.clock);

  it("keeps propose_ahead proposals waiting while the slots are busy", () => {
    const d = ready({ parallel: 4, propose_ahead: 3 });
    const running = [1, 2, 3, 4].map(() => d.propose("candidate"));
    expect(ahead(d, running)).toBe(3);
    expect(ahead(d, running, 2)).toBe(1);
    expect(ahead(d, running, 3)).toBe(0);
  });

  it("makes none with propose_ahead 0", () => {
    const d = ready({ propose_ahead: 0 });
    expect(ahead(d, [d.propose("candidate")])).toBe(0);
  });

  it("makes none before every baseline is final", () => {
    const d = new Driver(settings({ baseline_repeats: 2, propose_ahead: 2, parallel: 2 }));
    const b1 = d.propose("baseline");
    d.finish(b1, ok(1));
    expect(ahead(d, [d.propose("baseline")])).toBe(0);
  });

  it("never makes more than max_experiments leaves room for, counting those set up and pooled", () => {
    const d = ready({ parallel: 2, propose_ahead: 2, max_experiments: 3 });
    const x = d.propose("candidate");
    expect(ahead(d, [x, -1])).toBe(1);
    expect(ahead(d, [x, -1], 1)).toBe(0);
  });

  it("makes none once the session is stopped or a stop condition holds", () => {
    const d = ready({ propose_ahead: 1, max_hours: 1 });
    const x = d.propose("candidate");
    expect(ahead(d, [x])).toBe(1);
    d.clock += 2 * HOUR;
    expect(ahead(d, [x])).toBe(0);
  });

  it("with auto, makes them only while proposing takes a quarter of a run or more", () => {
    const d = ready({ parallel: 2, propose_ahead: "auto" });
    const walls = [60, 120, 120];
    for (const wall_s of walls) d.finish(d.propose("candidate"), { ...ok(2), wall_s });
    const running = [d.propose("candidate"), d.propose("candidate")];
    const at = (ms?: number) =>
      proposalsAhead(d.state, d.settings, new Set(running), 0, d.clock, ms);
    // The median of the runs (the baseline's 300 s with these) is 120 s.
    expect(at(undefined)).toBe(0);
    expect(at(29_000)).toBe(0);
    expect(at(30_000)).toBe(2);
    expect(proposalsAhead(d.state, d.settings, new Set(running), 1, d.clock, 30_000)).toBe(1);
  });
});
