import type { Result } from "../core/index.ts";

export interface ExecuteInput {
  experiment: number;
  sha: string;
  /** The session's trusted starting commit: locked files are restored from it. */
  baseSha: string;
  archiveDir: string;
  signal: AbortSignal;
  onStart?: (startedAt: Date) => void;
}

/** Runs one experiment somewhere (locally: a worktree and a child process group). */
export interface Executor {
  execute(input: ExecuteInput): Promise<Result>;
}
