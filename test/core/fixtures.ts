import {
  applyEvent,
  type Decision,
  decide,
  type ExperimentKind,
  emptyState,
  judgedMetric,
  type LedgerEvent,
  type RunSummary,
  type SessionState,
  type Settings,
  sessionObjectives,
} from "../../src/core/index.ts";

export const BASE_SHA = "base000000000";
export const START = Date.parse("2026-01-01T00:00:00.000Z");

export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    metric: { name: "val_bpb", goal: "minimize" },
    budget_s: 300,
    min_delta: 0,
    baseline_repeats: 1,
    noise_sigmas: 2,
    confirm: 0,
    max_experiments: 100,
    max_hours: 12,
    parallel: 1,
    propose_ahead: 0,
    seed: 0,
    ...overrides,
  };
}

/** A run that finished and reported `value` for the metric (plus any other metrics). */
export function ok(
  value: number,
  metrics: Record<string, number> = {},
  name = "val_bpb",
): RunSummary {
  return {
    status: "ok",
    metrics: { ...metrics, [name]: value },
    wall_s: 300,
    exit_code: 0,
    signal: null,
  };
}

export function failed(
  status: "crash" | "timeout" | "invalid",
  reason?: string,
  metrics: Record<string, number> = {},
): RunSummary {
  return {
    status,
    ...(reason === undefined ? {} : { reason }),
    metrics,
    wall_s: 12,
    exit_code: status === "timeout" ? null : 1,
    signal: status === "timeout" ? "SIGKILL" : null,
  };
}

/** Exited cleanly but never printed the metric. */
export function noMetric(metrics: Record<string, number> = {}): RunSummary {
  return { status: "ok", metrics, wall_s: 300, exit_code: 0, signal: null };
}

/**
 * Drives a session the way the engine does: every change is a ledger event, the state is
 * rebuilt with applyEvent, and a finished run is judged by decide() against the state current
 * at the moment it finishes (which already holds its proposal). Time advances `stepMs` per event.
 */
export class Driver {
  readonly events: LedgerEvent[] = [];
  state: SessionState;
  clock: number;
  readonly settings: Settings;
  readonly stepMs: number;

  constructor(s: Settings, options: { stepMs?: number; session?: string } = {}) {
    this.settings = s;
    this.stepMs = options.stepMs ?? 60_000;
    this.clock = START;
    this.state = emptyState();
    this.append({
      type: "session",
      at: this.iso(),
      session: options.session ?? "s1",
      base_sha: BASE_SHA,
      metric: judgedMetric(s),
      ...sessionObjectives(s),
      settings: {},
    });
  }

  /** Proposes an experiment against the current ratchet head; returns its number. */
  propose(
    kind: ExperimentKind,
    options: { of?: number; sha?: string; description?: string; parent?: string } = {},
  ): number {
    const n = this.state.experiments.length + 1;
    const of = options.of;
    const sha = options.sha ?? this.shaFor(kind, n, of);
    this.append({
      type: "proposed",
      at: this.tick(),
      experiment: n,
      kind,
      sha,
      parent: options.parent ?? this.state.ratchetSha,
      ...(of === undefined ? {} : { of }),
      description: options.description ?? `${kind} ${n}`,
    });
    return n;
  }

  /** Judges a finished run with decide() and records it; returns the decision. */
  finish(id: number, run: RunSummary): Decision {
    const decision = decide(this.state, id, run, this.settings);
    this.append({ type: "finished", at: this.tick(), experiment: id, run, decision });
    return decision;
  }

  interrupt(id: number, reason = "autoopt restarted"): void {
    this.append({ type: "interrupted", at: this.tick(), experiment: id, reason });
  }

  rebaseFailed(id: number, reason = "conflict"): void {
    this.append({ type: "rebase_failed", at: this.tick(), experiment: id, reason });
  }

  stop(reason: string): void {
    this.append({ type: "stopped", at: this.tick(), reason });
  }

  /** Time passes with nothing recorded (e.g. autoopt was not running). */
  idle(ms: number): void {
    this.clock += ms;
  }

  resume(): void {
    this.append({ type: "resumed", at: this.tick() });
  }

  append(event: LedgerEvent): void {
    this.events.push(event);
    this.state = applyEvent(this.state, event);
  }

  private shaFor(kind: ExperimentKind, n: number, of: number | undefined): string {
    if (kind === "baseline") return this.state.ratchetSha;
    if (kind === "confirm" && of !== undefined)
      return this.state.experiments[of - 1]?.sha ?? `x${n}`;
    return `${kind.slice(0, 1)}${String(n).padStart(7, "0")}`;
  }

  private tick(): string {
    this.clock += this.stepMs;
    return this.iso();
  }

  private iso(): string {
    return new Date(this.clock).toISOString();
  }
}
