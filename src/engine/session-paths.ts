import { join } from "node:path";

/** Where a local session keeps its records: `.autoopt/<session>/` in the repository (git-ignored). */
export function sessionPaths(repo: string, session: string) {
  const dir = join(repo, ".autoopt", session);
  return {
    dir,
    ledger: join(dir, "ledger.jsonl"),
    resultsTsv: join(dir, "results.tsv"),
    lock: join(dir, "session.lock"),
    worktrees: join(dir, "worktrees"),
    experiment: (n: number) => join(dir, `exp-${n}`),
    worktree: (n: number) => join(dir, "worktrees", `exp-${n}`),
  };
}
export type SessionPaths = ReturnType<typeof sessionPaths>;
