import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { git } from "../../git/index.ts";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The last worktree command of each repository this process started: git reads every worktree's
 * records while adding one, and fails on one that another `worktree add` is still writing
 * ("failed to read .git/worktrees/exp-5/commondir"), so runs starting together take turns.
 */
const lastCommand = new Map<string, Promise<unknown>>();

function inTurn<T>(repo: string, command: () => Promise<T>): Promise<T> {
  const turn = (lastCommand.get(repo) ?? Promise.resolve()).then(command, command);
  const settled = turn.catch(() => undefined);
  lastCommand.set(repo, settled);
  settled.then(() => {
    if (lastCommand.get(repo) === settled) lastCommand.delete(repo);
  });
  return turn;
}

/** A detached worktree at `sha` in `dir`, replacing any leftover from an interrupted run. */
export async function addWorktree(repo: string, dir: string, sha: string, env: Env): Promise<void> {
  if (existsSync(dir)) await removeWorktree(repo, dir, env);
  await inTurn(repo, () =>
    git(["worktree", "add", "--detach", "--force", dir, sha], { cwd: repo, env }),
  );
}

/**
 * Deletes the folder, then lets git forget worktrees whose folder is gone. `git worktree remove`
 * would read the folder's `.git` file, which the run could have pointed at a repository of its
 * own making; prune only asks whether the folder still exists.
 */
export async function removeWorktree(repo: string, dir: string, env: Env): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await inTurn(repo, () => git(["worktree", "prune"], { cwd: repo, env }));
}
