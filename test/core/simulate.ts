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
  /**
   * Empty: a started action is recorded at once. Otherwise, as the engine does, each started
   * action is first a placeholder in `active` (a negative number, no ledger entry) and gets
   * recorded later; each entry (cycling) says whether a run finishes before the next recording.
   */
  lag: boolean[];
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
  /** Most runs in flight at once, placeholders included. */
  maxInFlight: number;
  actions: Action[];
}

type Start = Exclude<Action, { type: "finish" }>;

const LIMIT = 2_000;

/**
 * Runs a whole session the way the engine does: ask nextActions what to start, record each
 * start as a proposal against the ratchet head, let the in-flight runs finish in the planned
 * order, judge each with decide() on the state current when it finishes, and stop at `finish`.
 * Throws when the session would hang (nothing in flight, nothing to start, no finish).
 */
export function simulate(plan: Plan): Simulation {
  const sim = new Simulator(plan);
  for (let i = 1; i <= LIMIT; i++) {
    if (plan.restarts.includes(i)) sim.restart();
    const finished = sim.plan();
    if (finished !== undefined) return { ...sim.result(), finished };
    sim.advance();
  }
  throw new Error(`session did not finish within ${LIMIT} steps`);
}

class Simulator {
  readonly d: Driver;
  readonly judged: Judged[] = [];
  readonly seen: Action[] = [];
  /** Runs in flight, by experiment number. */
  readonly running = new Map<number, RunSummary>();
  /** Started actions not recorded in the ledger yet, by placeholder number. */
  readonly setups = new Map<number, Start>();
  maxInFlight = 0;
  private started = 0;
  private turn = 0;
  private lagTurn = 0;
  private placeholder = 0;

  readonly p: Plan;

  constructor(p: Plan) {
    this.p = p;
    this.d = new Driver(p.settings, { stepMs: p.stepMs });
  }

  result(): Omit<Simulation, "finished"> {
    const { d: driver, judged, maxInFlight, seen: actions } = this;
    return { driver, judged, maxInFlight, actions };
  }

  /** Asks nextActions and starts what it says; returns the finish reason when it says finish. */
  plan(): string | undefined {
    const active = new Set([...this.running.keys(), ...this.setups.keys()]);
    const actions = nextActions(this.d.state, this.p.settings, active, this.d.clock);
    this.seen.push(...actions);
    for (const action of actions) {
      if (action.type === "finish") {
        if (active.size > 0 || actions.length > 1)
          throw new Error("finish while runs are in flight");
        return action.reason;
      }
      if (action.type === "rerun") this.running.set(action.experiment, this.nextRun());
      else this.setups.set(--this.placeholder, action);
    }
    if (this.p.lag.length === 0) while (this.setups.size > 0) this.record();
    this.maxInFlight = Math.max(this.maxInFlight, this.running.size + this.setups.size);
    return undefined;
  }

  /** Records the oldest pending start, or lets one run finish. */
  advance(): void {
    const lag = this.p.lag[this.lagTurn++ % Math.max(1, this.p.lag.length)] ?? false;
    if (this.setups.size > 0 && (!lag || this.running.size === 0)) {
      this.record();
      return;
    }
    const ids = [...this.running.keys()];
    if (ids.length === 0) throw new Error("session hangs: nothing in flight and nothing to start");
    const id = ids[(this.p.order[this.turn++ % this.p.order.length] ?? 0) % ids.length] ?? 0;
    const run = this.running.get(id);
    if (!run) throw new Error(`no run for experiment ${id}`);
    this.running.delete(id);
    const before = this.d.state;
    const decision = this.d.finish(id, run);
    this.judged.push({ id, run, decision, before, after: this.d.state });
  }

  /** autoopt dies: starts not yet recorded are lost, the first run is recorded as interrupted, the rest stay running. */
  restart(): void {
    if (this.running.size === 0 && this.setups.size === 0) return;
    const [first] = this.running.keys();
    if (first !== undefined) this.d.interrupt(first);
    this.running.clear();
    this.setups.clear();
    this.d.idle(3_600_000);
    this.d.resume();
  }

  private record(): void {
    const [key, action] = this.setups.entries().next().value ?? [];
    if (key === undefined || action === undefined) return;
    this.setups.delete(key);
    this.running.set(start(this.d, action), this.nextRun());
  }

  private nextRun(): RunSummary {
    return runFor(this.p.outcomes[this.started++ % this.p.outcomes.length], this.p.settings);
  }
}

function start(d: Driver, action: Start): number {
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
    lag: fc.oneof(
      fc.constant<boolean[]>([]),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
    ),
    stepMs: fc.constantFrom(60_000, 300_000),
  });
}
