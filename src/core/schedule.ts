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
  const baselines = state.experiments.filter((e) => e?.kind === "baseline");
  const baselineDone =
    baselines.length >= settings.baseline_repeats && baselines.every((b) => b.phase === "final");
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
