/** A candidate that could not be re-based because its change conflicts with the new ratchet head. */
export interface RebaseConflict {
  conflict: string;
}

/** A candidate to commit: `files` written over `parent`'s tree. */
export interface CandidateCommit {
  experiment?: number;
  parent: string;
  files: ReadonlyMap<string, string>;
  message: string;
}

/** A candidate's change (from `parent` to `candidate`) to apply on `onto`. */
export interface CandidateRebase {
  experiment?: number;
  candidate: string;
  parent: string;
  onto: string;
  message: string;
}

/** A commit on the Pareto frontier, kept reachable by a branch of its own. */
export interface FrontierMember {
  experiment: number;
  sha: string;
}

/**
 * Where a session's branches live. Locally: git refs in the user's repository, never touching
 * their working tree. On GitHub: refs through the API. The engine never knows which it has.
 */
export interface Forge {
  /** Creates the session's ratchet branch at the starting commit (idempotent on resume). */
  startSession(baseSha: string): Promise<void>;
  ratchetHead(): Promise<string>;
  /** The content of files at a commit; missing files are absent from the map. */
  readFiles(sha: string, paths: readonly string[]): Promise<Map<string, string>>;
  listFiles(sha: string): Promise<string[]>;
  /**
   * One commit whose parent is `parent`, with `files` written over its tree. With `experiment`
   * the branch `autoopt/<session>/exp-<n>` points at it too; the driver sets that branch only
   * once the ledger holds the experiment, so that a plan lost to another writer moves nothing.
   */
  commitCandidate(input: CandidateCommit): Promise<string>;
  /** The candidate's change applied on `onto`, as a new commit (on the experiment's branch when given). */
  rebaseCandidate(input: CandidateRebase): Promise<string | RebaseConflict>;
  /** Compare-and-swap fast-forward of the ratchet: false when it was not at `from`. */
  advanceRatchet(from: string, to: string): Promise<boolean>;
  /** Makes the ratchet point at `sha` whatever it points at now (used to reconcile after a crash). */
  resetRatchet(sha: string): Promise<void>;
  /** Points `autoopt/<session>/exp-<n>` at `sha`, wherever it pointed (an experiment's branch is its own). */
  setExperimentBranch(experiment: number, sha: string): Promise<void>;
  dropExperiment(experiment: number): Promise<void>;
  /**
   * Keeps the Pareto frontier's commits reachable: `autoopt/<session>/frontier/exp-<n>` for each
   * member, and no other branch under that folder. Idempotent.
   */
  markFrontier(members: readonly FrontierMember[]): Promise<void>;
  diff(from: string, to: string): Promise<string>;
}
