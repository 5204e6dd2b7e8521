import type { Goal } from "../config/index.ts";

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
}

export interface Proposer {
  readonly kind: string;
  /** A new proposal, or undefined when the proposer has nothing left to try. */
  propose(context: ProposalContext): Promise<Proposal | undefined>;
}
