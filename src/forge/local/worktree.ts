import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { git } from "./git.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** A detached worktree at `sha` in `dir`, replacing any leftover from an interrupted run. */
export async function addWorktree(repo: string, dir: string, sha: string, env: Env): Promise<void> {
  if (existsSync(dir)) await removeWorktree(repo, dir, env);
  await git(["worktree", "add", "--detach", "--force", dir, sha], { cwd: repo, env });
}

export async function removeWorktree(repo: string, dir: string, env: Env): Promise<void> {
  try {
    await git(["worktree", "remove", "--force", "--force", dir], { cwd: repo, env });
  } catch {
    // Not a registered worktree (never made, or already gone): clear the folder and git's records.
  }
  await rm(dir, { recursive: true, force: true });
  await git(["worktree", "prune"], { cwd: repo, env });
}
