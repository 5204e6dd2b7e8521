import type { SessionState } from "./session-state.ts";
import type { Settings } from "./settings.ts";

/** Failed proposals in a row after which a session stops rather than burn tokens. */
export const MAX_FAILED_PROPOSALS = 3;

/** Counts experiments that used up the session's allowance: proposals, not baselines or re-runs. */
export function candidatesProposed(state: SessionState): number {
  return state.experiments.filter((e) => e?.kind === "candidate").length;
}

/** Milliseconds the session has been active at `now` (time while nothing ran it is not counted). */
export function activeMs(state: SessionState, now: number): number {
  if (!state.lastEventAt) return 0;
  return state.activeMs + Math.max(0, now - Date.parse(state.lastEventAt));
}

/**
 * Why no new experiment should start, or undefined. Experiments already in flight still
 * finish; the session ends when this is set and nothing is in flight.
 */
export function stopReason(
  state: SessionState,
  settings: Settings,
  now: number,
): string | undefined {
  if (state.stopped) return state.stopped;
  const baselines = state.experiments.filter((e) => e?.kind === "baseline");
  if (
    baselines.length >= settings.baseline_repeats &&
    baselines.every((b) => b.outcome === "crash")
  ) {
    return `the baseline failed (${baselines[0]?.decision?.reason ?? "crash"}); fix the command before starting a session`;
  }
  if (state.failedProposals.count >= MAX_FAILED_PROPOSALS) {
    return `the proposer failed ${state.failedProposals.count} times in a row (last: ${state.failedProposals.lastReason})`;
  }
  if (settings.max_tokens !== undefined && state.tokensUsed >= settings.max_tokens) {
    return `reached the session's token cap (${state.tokensUsed} of ${settings.max_tokens} tokens)`;
  }
  if (candidatesProposed(state) >= settings.max_experiments) {
    return `reached max_experiments (${settings.max_experiments})`;
  }
  if (activeMs(state, now) >= settings.max_hours * 3_600_000)
    return `reached max_hours (${settings.max_hours})`;
  if (settings.plateau !== undefined) {
    const judged = state.experiments.filter(
      (e) => e?.kind !== "baseline" && e?.kind !== "confirm" && e.outcome,
    );
    const recent = judged.slice(-settings.plateau);
    if (recent.length === settings.plateau && recent.every((e) => e.outcome !== "keep")) {
      return `no keep in the last ${settings.plateau} experiments (plateau)`;
    }
  }
  return undefined;
}
