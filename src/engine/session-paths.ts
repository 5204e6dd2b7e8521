import { join } from "node:path";

/** Where a local session keeps its records: `.autoopt/<session>/` in the repository (git-ignored). */
export function sessionPaths(repo: string, session: string) {
  return sessionPathsAt(join(repo, ".autoopt", session));
}

/** The same layout in any folder (the App keeps a session's archive cache outside a repository). */
export function sessionPathsAt(dir: string) {
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
export type SessionPaths = ReturnType<typeof sessionPathsAt>;
