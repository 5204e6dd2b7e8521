import type { Decision, ExperimentKind, RunSummary } from "../core/index.ts";

/** What the engine tells its caller as a session goes (for progress displays; never for decisions). */
export type EngineEvent =
  | { type: "proposing" }
  | { type: "proposal-failed"; reason: string }
  | {
      type: "experiment-started";
      experiment: number;
      kind: ExperimentKind;
      description: string;
      startedAt: number;
    }
  | { type: "experiment-running"; experiment: number; startedAt: number }
  | { type: "experiment-finished"; experiment: number; decision: Decision; run: RunSummary }
  | { type: "session-finished"; reason: string };
