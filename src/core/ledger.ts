import { z } from "zod";
import { Metrics, type Result, RunStatus } from "./result.ts";

/** The outcome the core assigns to a finished run. */
export const Outcome = z.enum([
  "baseline",
  "keep",
  "discard",
  "crash",
  "confirm",
  "pending",
  "rebase",
]);
export type Outcome = z.infer<typeof Outcome>;

export const Decision = z.object({
  /** The experiment the verdict is about (a confirmation run's verdict is about its candidate). */
  target: z.number().int(),
  outcome: Outcome,
  reason: z.string(),
  /** The value judged: the run's metric, or the mean over the candidate and its confirmations. */
  value: z.number().optional(),
  best_before: z.number().optional(),
  best_after: z.number().optional(),
  /** Improvement over the best so far, positive when better, in the metric's units. */
  delta: z.number().optional(),
  threshold: z.number().optional(),
});
export type Decision = z.infer<typeof Decision>;

/** What the ledger keeps of a result.json (the full file stays in the archive). */
export const RunSummary = z.object({
  status: RunStatus,
  reason: z.string().optional(),
  metrics: Metrics,
  wall_s: z.number(),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** How the run was contained, from its result.json; absent in ledgers written before. */
  containment: z.enum(["bubblewrap", "none"]).optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** What the ledger keeps of a result. */
export function summaryOf(result: Result): RunSummary {
  return {
    status: result.status,
    metrics: result.metrics,
    wall_s: result.wall_s,
    exit_code: result.exit_code,
    signal: result.signal,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    ...(result.containment === undefined ? {} : { containment: result.containment }),
  };
}

export const ExperimentKind = z.enum(["baseline", "candidate", "confirm", "rebase"]);
export type ExperimentKind = z.infer<typeof ExperimentKind>;

const Base = { at: z.iso.datetime() };

/** Tokens a proposal used, from the API's usage fields. */
export const Tokens = z.object({
  prompt: z.number().int().min(0),
  completion: z.number().int().min(0),
  total: z.number().int().min(0),
});
export type Tokens = z.infer<typeof Tokens>;

export const SessionStarted = z.object({
  ...Base,
  type: z.literal("session"),
  session: z.string(),
  base_sha: z.string(),
  /** What the ratchet judges by: the metric, or `score` under a weighted rule. */
  metric: z.object({ name: z.string(), goal: z.enum(["minimize", "maximize"]) }),
  /** Every objective of a harness session, the config's metric first; absent in train mode. */
  objectives: z
    .array(
      z.object({
        name: z.string(),
        goal: z.enum(["minimize", "maximize"]),
        limit: z.number().optional(),
      }),
    )
    .optional(),
  settings: z.record(z.string(), z.unknown()),
  /**
   * The validated config the session runs with, command-line overrides applied: what a resume
   * uses, whatever autoopt.yml says by then. Absent in ledgers of earlier versions.
   */
  config: z.unknown().optional(),
});

export const Proposed = z.object({
  ...Base,
  type: z.literal("proposed"),
  experiment: z.number().int().min(1),
  kind: ExperimentKind,
  sha: z.string(),
  /** The ratchet head the change was made against. */
  parent: z.string(),
  /** For confirm and rebase runs: the candidate they are about. */
  of: z.number().int().optional(),
  description: z.string(),
  hypothesis: z.string().optional(),
  /** Proposer-specific detail (e.g. the constants the search proposer changed). */
  changes: z.unknown().optional(),
  /** sha256 of the editable files of this candidate, so no configuration is tried twice. */
  files_hash: z.string().optional(),
  tokens: Tokens.optional(),
});

/** A proposal that never became a candidate: every attempt was rejected, or the model failed. */
export const ProposalFailed = z.object({
  ...Base,
  type: z.literal("proposal_failed"),
  reason: z.string(),
  tokens: Tokens.optional(),
});

export const Finished = z.object({
  ...Base,
  type: z.literal("finished"),
  experiment: z.number().int().min(1),
  run: RunSummary,
  decision: Decision,
});

export const Interrupted = z.object({
  ...Base,
  type: z.literal("interrupted"),
  experiment: z.number().int().min(1),
  reason: z.string(),
});

/** A candidate whose change no longer applies on the moved ratchet head. */
export const RebaseFailed = z.object({
  ...Base,
  type: z.literal("rebase_failed"),
  experiment: z.number().int().min(1),
  reason: z.string(),
});

/** A run of an experiment was started somewhere that gives it an id: a GitHub Actions run. */
export const Dispatched = z.object({
  ...Base,
  type: z.literal("dispatched"),
  experiment: z.number().int().min(1),
  run_id: z.number().int(),
  /** Where a person can watch the run. */
  run_url: z.string(),
  /** API requests the session had made up to this dispatch, for requests-per-experiment figures. */
  api_requests: z.number().int().min(0).optional(),
});

/**
 * Facts about a session that no decision depends on: where it was started and reports, and what
 * it was started with. Each field, when present, replaces the one recorded before.
 */
export const MetaUpdated = z.object({
  ...Base,
  type: z.literal("meta"),
  issue: z.number().int().optional(),
  default_branch: z.string().optional(),
  /** The validated config the session runs with, start options applied. */
  config: z.unknown().optional(),
  status_comment_id: z.number().int().optional(),
  promotion_pr: z.number().int().optional(),
  /** The session is over for good (its promotion was merged): nothing reopens it. */
  closed: z.boolean().optional(),
  api_requests: z.number().int().min(0).optional(),
});

/** Something that happened to a session that changes nothing in it, kept for the record. */
export const Note = z.object({ ...Base, type: z.literal("note"), message: z.string() });

/** The two commits a promotion is evaluated on, on the held-out split. */
export const HeldoutLabel = z.enum(["baseline", "best"]);
export type HeldoutLabel = z.infer<typeof HeldoutLabel>;

/**
 * A held-out evaluation of the session's base commit (`baseline`) or of the ratchet head (`best`):
 * dispatched, then ok with its metrics or failed with why. Kept apart from the experiments:
 * nothing a proposer reads may carry a held-out number.
 */
export const HeldoutRecorded = z.object({
  ...Base,
  type: z.literal("heldout"),
  label: HeldoutLabel,
  sha: z.string(),
  run_id: z.number().int().optional(),
  run_url: z.string().optional(),
  status: z.enum(["dispatched", "ok", "failed"]),
  metrics: Metrics.optional(),
  error: z.string().optional(),
});

export const Resumed = z.object({ ...Base, type: z.literal("resumed") });
export const Stopped = z.object({ ...Base, type: z.literal("stopped"), reason: z.string() });

export const LedgerEvent = z.discriminatedUnion("type", [
  SessionStarted,
  Proposed,
  Finished,
  Interrupted,
  RebaseFailed,
  ProposalFailed,
  Dispatched,
  MetaUpdated,
  Note,
  Resumed,
  Stopped,
  HeldoutRecorded,
]);
export type LedgerEvent = z.infer<typeof LedgerEvent>;
export type SessionStarted = z.infer<typeof SessionStarted>;
export type Proposed = z.infer<typeof Proposed>;
export type Finished = z.infer<typeof Finished>;
export type Dispatched = z.infer<typeof Dispatched>;
export type MetaUpdated = z.infer<typeof MetaUpdated>;
export type HeldoutRecorded = z.infer<typeof HeldoutRecorded>;
