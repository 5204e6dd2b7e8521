import fc from "fast-check";
import {
  type Action,
  type Decision,
  nextActions,
  type RunSummary,
  type SessionState,
  type Settings,
} from "../../src/core/index.ts";
import { Driver, failed, noMetric, ok, settings } from "./fixtures.ts";

/** What one started run will report: a metric value, or a way of failing. */
export type RunPlan = { value: number } | { fail: "crash" | "timeout" | "invalid" | "no-metric" };

export interface Plan {
  settings: Settings;
  /** Handed out to runs in the order they start, cycling. */
  outcomes: RunPlan[];
  /** Which in-flight run finishes next: an index into the in-flight runs (mod their count), cycling. */
  order: number[];
  /** Loop iterations at which autoopt dies and restarts, leaving its runs orphaned. */
  restarts: number[];
  stepMs: number;
}

/** One finished run: the state it was judged on, its decision, and the state after. */
export interface Judged {
  id: number;
  run: RunSummary;
  decision: Decision;
  before: SessionState;
  after: SessionState;
}

export interface Simulation {
  driver: Driver;
  judged: Judged[];
  /** The reason of the `finish` action that ended the session. */
  finished: string;
  /** Most runs in flight at once. */
  maxInFlight: number;
  actions: Action[];
}

const LIMIT = 2_000;

/**
 * Runs a whole session the way the engine does: ask nextActions what to start, record each
 * start as a proposal against the ratchet head, let the in-flight runs finish in the planned
 * order, judge each with decide() on the state current when it finishes, and stop at `finish`.
 * Throws when the session would hang (nothing in flight, nothing to start, no finish).
 */
export function simulate(plan: Plan): Simulation {
  const d = new Driver(plan.settings, { stepMs: plan.stepMs });
  const active = new Map<number, RunSummary>();
  const judged: Judged[] = [];
  const seen: Action[] = [];
  let started = 0;
  let turn = 0;
  let maxInFlight = 0;
  for (let i = 1; i <= LIMIT; i++) {
    if (plan.restarts.includes(i) && active.size > 0) restart(d, active);
    const actions = nextActions(d.state, plan.settings, new Set(active.keys()), d.clock);
    seen.push(...actions);
    for (const action of actions) {
      if (action.type === "finish") {
        if (active.size > 0 || actions.length > 1) throw new Error("finish while runs are in flight");
        return { driver: d, judged, finished: action.reason, maxInFlight, actions: seen };
      }
      const id = start(d, action);
      active.set(id, runFor(plan.outcomes[started++ % plan.outcomes.length], plan.settings));
      maxInFlight = Math.max(maxInFlight, active.size);
    }
    const ids = [...active.keys()];
    if (ids.length === 0) throw new Error(`session hangs: nothing in flight and nothing to start`);
    const id = ids[(plan.order[turn++ % plan.order.length] ?? 0) % ids.length] ?? 0;
    const run = active.get(id);
    if (!run) throw new Error(`no run for experiment ${id}`);
    active.delete(id);
    const before = d.state;
    const decision = d.finish(id, run);
    judged.push({ id, run, decision, before, after: d.state });
  }
  throw new Error(`session did not finish within ${LIMIT} steps`);
}

function start(d: Driver, action: Exclude<Action, { type: "finish" }>): number {
  switch (action.type) {
    case "baseline":
      return d.propose("baseline");
    case "propose":
      return d.propose("candidate");
    case "confirm":
      return d.propose("confirm", { of: action.of });
    case "rebase":
      return d.propose("rebase", { of: action.of });
    case "rerun":
      return action.experiment;
  }
}

/** autoopt dies: the first in-flight run is recorded as interrupted, the rest are left running. */
function restart(d: Driver, active: Map<number, RunSummary>): void {
  const [first] = active.keys();
  if (first !== undefined) d.interrupt(first);
  active.clear();
  d.idle(3_600_000);
  d.resume();
}

export function runFor(plan: RunPlan | undefined, s: Settings): RunSummary {
  if (plan === undefined) return noMetric();
  if ("value" in plan) return ok(plan.value, { peak_vram_mb: 2048 }, s.metric.name);
  return plan.fail === "no-metric" ? noMetric({ peak_vram_mb: 1024 }) : failed(plan.fail);
}

/** Metric values on a 1/16 grid, so ties and exact gate hits are common. */
export const runPlan: fc.Arbitrary<RunPlan> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 32 }).map((i) => ({ value: 1 + i / 16 })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("crash", "timeout", "invalid", "no-metric" as const)
      .map((fail) => ({ fail })),
  },
);

export function settingsArb(fixed: Partial<Settings> = {}): fc.Arbitrary<Settings> {
  return fc
    .record({
      goal: fc.constantFrom("minimize", "maximize" as const),
      min_delta: fc.constantFrom(0, 1 / 16, 1 / 8),
      noise_sigmas: fc.constantFrom(0, 1, 2),
      baseline_repeats: fc.integer({ min: 1, max: 3 }),
      confirm: fc.integer({ min: 0, max: 2 }),
      parallel: fc.integer({ min: 1, max: 4 }),
      max_experiments: fc.integer({ min: 1, max: 10 }),
      max_hours: fc.constantFrom(0.5, 12),
      plateau: fc.option(fc.integer({ min: 2, max: 5 }), { nil: undefined }),
    })
    .map(({ goal, plateau, ...rest }) =>
      settings({
        ...rest,
        metric: { name: "val_bpb", goal },
        ...(plateau === undefined ? {} : { plateau }),
        ...fixed,
      }),
    );
}

export function planArb(fixed: Partial<Settings> = {}): fc.Arbitrary<Plan> {
  return fc.record({
    settings: settingsArb(fixed),
    outcomes: fc.array(runPlan, { minLength: 1, maxLength: 40 }),
    order: fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 20 }),
    restarts: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 2 }),
    stepMs: fc.constantFrom(60_000, 300_000),
  });
}
