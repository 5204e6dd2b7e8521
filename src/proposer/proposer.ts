import type { Goal } from "../config/index.ts";
import type { Tokens } from "../core/index.ts";

/** What a proposer knows of one earlier experiment. */
export interface HistoryEntry {
  experiment: number;
  kind: "baseline" | "candidate" | "confirm" | "rebase";
  description: string;
  changes?: unknown;
  /** Final outcome; undefined while it is still running or being confirmed. */
  outcome?: "baseline" | "keep" | "discard" | "crash";
  value?: number;
  delta?: number;
  hypothesis?: string;
  /** Why a run crashed, or why it was discarded. */
  reason?: string;
  /** The commit and the ratchet head it was proposed against (for diffs). */
  sha?: string;
  parent?: string;
  /** Harness mode: the run's value on every objective. */
  objectives?: Record<string, number>;
  /** Harness mode: the commit is on the Pareto frontier. */
  frontier?: boolean;
}

/** Tools over the session's archive, for proposers that can read it (see src/archive). */
export interface ToolBox {
  definitions(): ToolDefinition[];
  /** Runs a tool with the model's raw JSON arguments; always answers with text, errors included. */
  call(name: string, argumentsJson: string): Promise<string>;
}

export interface ToolDefinition {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** The rules a proposal must keep, stated to proposers that read prose. */
export interface ProposalRules {
  editable: readonly string[];
  locked: readonly string[];
  budget_s: number;
  /** The smallest improvement that counts: max(min_delta, noise_sigmas · σ). */
  threshold: number;
  sigma: number;
  best?: number;
  baseline?: number;
  /** Harness mode: every objective (the metric first), how candidates are compared, the weights. */
  objectives?: readonly { name: string; goal: Goal; limit?: number }[];
  rule?: "primary" | "weighted";
  weights?: Readonly<Record<string, number>>;
}

export interface ProposalContext {
  /** The number the proposal will get. */
  experiment: number;
  seed: number;
  metric: { name: string; goal: Goal };
  program: string;
  /** The editable files at the ratchet head, path → content. */
  files: ReadonlyMap<string, string>;
  history: readonly HistoryEntry[];
  /** True when this exact set of editable files was already tried in the session. */
  alreadyTried: (files: ReadonlyMap<string, string>) => boolean;
  /** Whether the proposer may write this path (editable, not locked, not under .github/). */
  isEditable: (path: string) => boolean;
  rules: ProposalRules;
  /** Tokens the session has spent on proposals so far. */
  tokensUsed: number;
  tools?: ToolBox;
  /** The diff an earlier experiment made, from the archive. */
  diffOf?: (experiment: number) => Promise<string | undefined>;
  /** Runs the configured pre-check on a candidate's files; a message when it fails. */
  precheck?: (files: ReadonlyMap<string, string>) => Promise<string | undefined>;
  signal?: AbortSignal;
}

export interface Proposal {
  /** One line, e.g. `MATRIX_LR 0.04 → 0.05`. */
  description: string;
  hypothesis?: string;
  /** New full contents of the files the proposal changes (a subset of the editable files). */
  files: Map<string, string>;
  /** Proposer-specific record kept in the ledger for later proposals to learn from. */
  changes?: unknown;
  tokens?: Tokens;
  /** The whole exchange that led to the proposal (kept in proposal.json). */
  transcript?: unknown;
}

/** A proposal attempt that produced no candidate; the session records it and goes on. */
export class ProposalFailedError extends Error {
  readonly tokens?: Tokens;
  readonly transcript?: unknown;
  constructor(
    message: string,
    details: { tokens?: Tokens; transcript?: unknown; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ProposalFailedError";
    if (details.tokens) this.tokens = details.tokens;
    if (details.transcript !== undefined) this.transcript = details.transcript;
  }
}

/** The session's token cap is spent: the session stops cleanly. */
export class TokenCapError extends Error {
  readonly tokens: Tokens;
  constructor(message: string, tokens: Tokens) {
    super(message);
    this.name = "TokenCapError";
    this.tokens = tokens;
  }
}

export interface Proposer {
  readonly kind: string;
  /** A new proposal, or undefined when the proposer has nothing left to try. */
  propose(context: ProposalContext): Promise<Proposal | undefined>;
}
