import type { SessionState } from "../core/index.ts";

export interface ExperimentCounts {
  /** Changes proposed and judged or in flight: candidates and their re-based copies. */
  tried: number;
  kept: number;
  discarded: number;
  crashed: number;
  confirmations: number;
}

/**
 * How a session's changes fared. An original superseded by its re-based copy is marked
 * discarded in the state, but it was never judged worse, so it is not counted as a discard:
 * its copy carries the verdict.
 */
export function experimentCounts(state: SessionState): ExperimentCounts {
  const changes = state.experiments.filter(
    (e) => e && (e.kind === "candidate" || e.kind === "rebase"),
  );
  return {
    tried: changes.length,
    kept: changes.filter((e) => e.outcome === "keep").length,
    discarded: changes.filter((e) => e.outcome === "discard" && e.decision?.outcome !== "rebase")
      .length,
    crashed: changes.filter((e) => e.outcome === "crash").length,
    confirmations: state.experiments.filter((e) => e?.kind === "confirm").length,
  };
}
