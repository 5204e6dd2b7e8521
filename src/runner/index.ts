export { type CandidateCheck, checkCandidate } from "./check-candidate.ts";
export { cleanEnv, type RunVars } from "./clean-env.ts";
export { type GitRepo, gitEnv } from "./git-cli.ts";
export { heldoutConfig } from "./heldout-config.ts";
export { judgeEvaluatedMetrics, judgeRunMetrics, requiredMetricNames } from "./judge-metrics.ts";
export {
  type MetricsReport,
  parseMetrics,
  parseMetricsJson,
  parseSummaryBlock,
} from "./parse-metrics.ts";
export { type PhasePlace, phaseSpec } from "./phase-spec.ts";
export { type LockedRestore, restoreLockedFiles } from "./restore-locked-files.ts";
export { runExperiment } from "./run-experiment.ts";
export type { RunOptions, Split } from "./run-options.ts";
