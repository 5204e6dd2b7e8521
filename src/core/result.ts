import { z } from "zod";

export const RunStatus = z.enum(["ok", "crash", "timeout", "invalid"]);
export type RunStatus = z.infer<typeof RunStatus>;

export const Metrics = z.record(z.string(), z.number());
export type Metrics = z.infer<typeof Metrics>;

export const RunnerIdentity = z.object({
  name: z.string(),
  os: z.string(),
  labels: z.array(z.string()).default([]),
  gpu: z.string().optional(),
  gpu_memory_mb: z.number().optional(),
});
export type RunnerIdentity = z.infer<typeof RunnerIdentity>;

/** What a harness run left in `$AUTOOPT_OUT/traces/*.jsonl`, after the runner checked it. */
export const TraceSummary = z.object({
  files: z.int().min(0),
  /** Records, one per task. */
  tasks: z.int().min(0),
  /** Bytes of the trace files as kept, after oversized records were cut. */
  bytes: z.int().min(0),
  /** Records over the runner's cap, rewritten as marked, cut records (`"truncated": {…}`). */
  truncated: z.int().min(0),
});
export type TraceSummary = z.infer<typeof TraceSummary>;

/** `result.json`: what one experiment run produced. Versioned; written by the runner, read by the engine and the App. */
export const Result = z.object({
  version: z.literal(1),
  experiment: z.string(),
  session: z.string(),
  candidate_sha: z.string(),
  base_sha: z.string(),
  status: RunStatus,
  /** Why a run is not `ok`: the first thing a person needs to read. */
  reason: z.string().optional(),
  metrics: Metrics,
  /** Metrics the candidate printed that an evaluator overrode; kept as evidence. */
  ignored_metrics: Metrics.default({}),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Seconds of the whole run: checks, the command and the evaluator. */
  wall_s: z.number().min(0),
  /** Seconds the experiment command itself ran, from spawn to exit. */
  command_s: z.number().min(0).optional(),
  /** Seconds the evaluator ran, when one is configured and was reached. */
  evaluate_s: z.number().min(0).optional(),
  started_at: z.iso.datetime(),
  ended_at: z.iso.datetime(),
  log_tail: z.string(),
  locked_hashes: z.record(z.string(), z.string()),
  runner: RunnerIdentity,
  /** How the run's processes were contained; absent in results written before containment. */
  containment: z.enum(["bubblewrap", "none"]).optional(),
  /** Harness mode: the traces of an `ok` run. */
  traces: TraceSummary.optional(),
});
export type Result = z.infer<typeof Result>;
