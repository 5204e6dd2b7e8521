import type { LedgerEvent, SessionState } from "../core/index.ts";
import type { RefMove } from "../forge/ref-moves.ts";
import type { Made, NoProposal, Outcome } from "./proposing.ts";

/**
 * Where a session's ledger lives: a file under `.autoopt/` locally, a branch on GitHub. Writes
 * are a compare-and-swap on what this store last loaded or wrote, so that a decision made on a
 * stale state is never recorded: the driver reloads and decides again instead.
 */
export interface LedgerStore {
  /** Every event the store holds now. */
  load(): Promise<LedgerEvent[]>;
  /**
   * Appends the events right after the last ones loaded or written; false (nothing written,
   * nothing moved) when another writer appended since. A store that `movesRefs` makes the step's
   * ref moves in the same atomic write, and throws when the ratchet is not at a move's `from`.
   */
  append(events: readonly LedgerEvent[], moves: readonly RefMove[]): Promise<boolean>;
  /**
   * True when `append` makes the ref moves with the events (GitHub: one atomic request); without,
   * the driver makes them through the forge once the events are written (locally).
   */
  readonly movesRefs?: boolean;
}

/** What starting a run came to. */
export type Launch =
  /** Started; `note` is a fact about it to write with the next write (on GitHub: which run). */
  | { type: "started"; note?: LedgerEvent }
  /** It cannot start: recorded as a crash with the reason; `stop` when no later run can start either. */
  | { type: "refused"; reason: string; stop: boolean };

/**
 * Where runs happen: locally child processes in worktrees, on GitHub workflow runs. A run's end
 * comes back to the driver as `runEnded`, from a child process or from a webhook.
 */
export interface RunLauncher {
  /** Experiments whose run is under way: the core counts them as active and starts none again. */
  inFlight(state: SessionState): ReadonlySet<number>;
  launch(n: number, state: SessionState): Promise<Launch>;
}

/** The proposer, with what the session keeps of each proposal (the archive). */
export interface ProposalMaker {
  readonly kind: string;
  /** Asks for one proposal against the state as it is when the proposer's turn comes. */
  make(state: () => SessionState, signal: AbortSignal): Promise<Outcome>;
  /** A proposal was recorded as experiment `n` with commit `sha`. */
  saved(n: number, made: Made, sha: string): Promise<void>;
  /** A proposal came to nothing; `state` is the one before it is recorded. */
  failed(state: SessionState, outcome: NoProposal): Promise<void>;
}
