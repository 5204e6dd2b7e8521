import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { git } from "../../git/index.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** A detached worktree at `sha` in `dir`, replacing any leftover from an interrupted run. */
export async function addWorktree(repo: string, dir: string, sha: string, env: Env): Promise<void> {
  if (existsSync(dir)) await removeWorktree(repo, dir, env);
  await git(["worktree", "add", "--detach", "--force", dir, sha], { cwd: repo, env });
}

/**
 * Deletes the folder, then lets git forget worktrees whose folder is gone. `git worktree remove`
 * would read the folder's `.git` file, which the run could have pointed at a repository of its
 * own making; prune only asks whether the folder still exists.
 */
export async function removeWorktree(repo: string, dir: string, env: Env): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await git(["worktree", "prune"], { cwd: repo, env });
}
