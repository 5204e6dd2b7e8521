export { confirmationValues, decide } from "./decide.ts";
export { type Gpu, GpuSlots, gpuEnv, gpuLabel } from "./gpu-slots.ts";
export { describeLeaks, findLeaks, type Leak, type TaskFacts } from "./leakage.ts";
export * from "./ledger.ts";
export { improvement, mean, stdev, threshold } from "./noise.ts";
export {
  allObjectives,
  type Judged,
  judgedMetric,
  judgeMetrics,
  SCORE,
  sessionObjectives,
  weightedScore,
} from "./objectives.ts";
export {
  candidatePoints,
  dominates,
  type ParetoPoint,
  paretoFrontier,
  sessionFrontier,
} from "./pareto.ts";
export { RedactStream } from "./redact-stream.ts";
export { noRedaction, REDACTED, type Redactor, redactor } from "./redactor.ts";
export { Metrics, Result, RunnerIdentity, RunStatus } from "./result.ts";
export { memoryGb, resultsTsv } from "./results-tsv.ts";
export {
  type Action,
  AHEAD_WHEN_PROPOSING_TAKES,
  nextActions,
  proposalsAhead,
} from "./schedule.ts";
export { isSecretName, MIN_SECRET_LENGTH, secretValues } from "./secrets.ts";
export {
  applyEvent,
  type Experiment,
  emptyState,
  experiment,
  type Phase,
  ratchetPositions,
  replay,
  type SessionMeta,
  type SessionState,
} from "./session-state.ts";
export { type ObjectiveSpec, type Settings, settingsFromConfig } from "./settings.ts";
export { activeMs, candidatesProposed, stopReason } from "./stop.ts";
