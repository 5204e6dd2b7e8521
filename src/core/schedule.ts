import { experiment, type SessionState } from "./session-state.ts";
import type { Settings } from "./settings.ts";
import { candidatesProposed, stopReason } from "./stop.ts";

/** What the engine should start next. */
export type Action =
  | { type: "baseline" }
  | { type: "propose" }
  | { type: "confirm"; of: number }
  | { type: "rebase"; of: number }
  /** A run the ledger shows as started that nobody is executing (e.g. after a crash of autoopt). */
  | { type: "rerun"; experiment: number }
  | { type: "finish"; reason: string };

/**
 * Up to `settings.parallel` experiments in flight. `active` holds the experiments the caller is
 * executing now; running ones it does not hold are re-run. Numbers in `active` that the ledger
 * does not know yet are runs still being set up (their proposal is not recorded): they count as
 * started baselines and proposals, so neither baseline_repeats nor max_experiments is exceeded.
 * Returns [] when the caller should wait for something in flight.
 */
export function nextActions(
  state: SessionState,
  settings: Settings,
  active: ReadonlySet<number>,
  now: number,
): Action[] {
  if (state.stopped !== undefined)
    return active.size === 0 ? [{ type: "finish", reason: state.stopped }] : [];
  const actions: Action[] = [];
  let slots = settings.parallel - active.size;
  const settingUp = [...active].filter((id) => experiment(state, id) === undefined).length;
  const orphans = state.experiments.filter(
    (e) => e && (e.phase === "running" || e.phase === "interrupted") && !active.has(e.id),
  );
  for (const e of orphans) {
    if (slots-- <= 0) return actions;
    actions.push({ type: "rerun", experiment: e.id });
  }
  const baselineDone = baselinesFinal(state, settings);
  const baselines = state.experiments.filter((e) => e?.kind === "baseline");
  // Before the baseline is final, anything being set up is a baseline.
  const baselinesStarted = baselines.length + settingUp;
  for (let i = baselinesStarted; i < settings.baseline_repeats && slots > 0; i++, slots--) {
    actions.push({ type: "baseline" });
  }
  if (!baselineDone) return actions;
  for (const e of state.experiments) {
    if (slots <= 0) return actions;
    if (
      e?.phase === "awaiting-rebase" &&
      !state.experiments.some((r) => r?.kind === "rebase" && r.of === e.id)
    ) {
      actions.push({ type: "rebase", of: e.id });
      slots--;
    }
    if (e?.phase === "awaiting-confirm") {
      const started = state.experiments.filter(
        (r) => r?.kind === "confirm" && r.of === e.id,
      ).length;
      for (let i = started; i < settings.confirm && slots > 0; i++, slots--)
        actions.push({ type: "confirm", of: e.id });
    }
  }
  const stop = stopReason(state, settings, now);
  if (stop !== undefined) {
    const pending = state.experiments.some((e) => e && e.phase !== "final");
    if (active.size === 0 && actions.length === 0 && !pending)
      actions.push({ type: "finish", reason: stop });
    return actions;
  }
  const room = settings.max_experiments - candidatesProposed(state) - settingUp;
  for (let i = 0; i < Math.min(slots, room); i++) actions.push({ type: "propose" });
  return actions;
}

/**
 * A proposer this much slower than a run (as a fraction of a run's wall time) has proposals made
 * ahead under `propose_ahead: auto`: below it the runners gain little (under a fifth of their
 * time) and each proposal would miss the latest result for nothing.
 */
export const AHEAD_WHEN_PROPOSING_TAKES = 0.25;

/**
 * How many proposals to make ahead now, beside the `pooled` ones made or being made for no slot
 * yet: while every slot is busy, some wait for the next one to free, so that a proposer slower
 * than a run does not idle the runners. `proposeMs` is how long proposals take of late (for
 * `auto`). None before the baseline is final (a proposal is made on its numbers), after a stop,
 * or beyond `max_experiments`.
 */
export function proposalsAhead(
  state: SessionState,
  settings: Settings,
  active: ReadonlySet<number>,
  pooled: number,
  now: number,
  proposeMs?: number,
): number {
  if (state.stopped !== undefined || state.meta.closed) return 0;
  if (!baselinesFinal(state, settings)) return 0;
  if (stopReason(state, settings, now) !== undefined) return 0;
  const wanted = aheadWanted(state, settings, proposeMs);
  const settingUp = [...active].filter((id) => experiment(state, id) === undefined).length;
  const room = settings.max_experiments - candidatesProposed(state) - settingUp - pooled;
  return Math.max(0, Math.min(wanted - pooled, room));
}

function aheadWanted(state: SessionState, settings: Settings, proposeMs?: number): number {
  if (settings.propose_ahead !== "auto") return Math.min(settings.propose_ahead, settings.parallel);
  const runMs = medianRunMs(state);
  if (proposeMs === undefined || runMs === undefined) return 0;
  return proposeMs >= AHEAD_WHEN_PROPOSING_TAKES * runMs ? settings.parallel : 0;
}

/** The median wall time of the runs that finished, in milliseconds. */
function medianRunMs(state: SessionState): number | undefined {
  const walls = state.experiments
    .flatMap((e) => (e?.run && e.run.wall_s > 0 ? [e.run.wall_s * 1000] : []))
    .sort((a, b) => a - b);
  if (walls.length === 0) return undefined;
  const mid = Math.floor(walls.length / 2);
  return walls.length % 2 === 1 ? walls[mid] : ((walls[mid - 1] ?? 0) + (walls[mid] ?? 0)) / 2;
}

function baselinesFinal(state: SessionState, settings: Settings): boolean {
  const baselines = state.experiments.filter((e) => e?.kind === "baseline");
  return (
    baselines.length >= settings.baseline_repeats && baselines.every((b) => b.phase === "final")
  );
}
