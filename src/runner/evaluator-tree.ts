import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type GitRepo, runGit } from "./git-cli.ts";

/**
 * A fresh checkout of `sha` in `dir`, made from git objects alone: whatever the run left in its
 * workdir (a package beside a locked module, a module shadowing the standard library, a
 * rewritten evaluator) does not exist there. A throwaway index keeps the repository's own
 * index untouched.
 */
export async function evaluatorTree(repo: GitRepo, sha: string, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const index: GitRepo = {
    ...repo,
    env: { ...repo.env, GIT_INDEX_FILE: join(dir, ".autoopt-index") },
  };
  try {
    await runGit(index, ["read-tree", sha]);
    await runGit(index, ["checkout-index", "--all", "--force", `--prefix=${dir}/`]);
  } finally {
    await rm(join(dir, ".autoopt-index"), { force: true });
  }
}
