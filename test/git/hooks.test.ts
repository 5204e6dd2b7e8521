import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commitExample } from "../../scripts/example-repo.ts";
import {
  addWorktree,
  assertCleanForSession,
  LocalForge,
  removeWorktree,
} from "../../src/forge/local/index.ts";
import { checkCandidate } from "../../src/runner/check-candidate.ts";
import { openGitRepo } from "../../src/runner/git-cli.ts";
import { restoreLockedFiles } from "../../src/runner/restore-locked-files.ts";
import {
  type AttackRepo,
  attackRepo,
  clearMarkers,
  attackConfig as config,
  markersLeft,
  plainGit,
  removeTempDirs,
  script,
  tempDir,
  write,
} from "./attack-repo.ts";

afterAll(removeTempDirs);

const HOOKS = [
  "post-checkout",
  "pre-commit",
  "post-commit",
  "reference-transaction",
  "post-index-change",
  "pre-auto-gc",
];

function installHooks(repo: AttackRepo, hooksDir: string): void {
  for (const hook of HOOKS) script(repo, join(hooksDir, hook), hook);
}

describe("hooks in the repository's .git/hooks", () => {
  it("are live for git as the user runs it", () => {
    const repo = attackRepo();
    installHooks(repo, join(repo.dir, ".git", "hooks"));
    plainGit(repo, "update-ref", "refs/heads/other", "HEAD");
    plainGit(repo, "worktree", "add", "-q", "--detach", join(tempDir("autoopt-git-wt-"), "w"));
    expect(markersLeft(repo)).toEqual([
      "post-checkout",
      "post-index-change",
      "reference-transaction",
    ]);
  });

  it("never run from the forge, the worktrees or the runner, which still do their work", async () => {
    const repo = attackRepo();
    installHooks(repo, join(repo.dir, ".git", "hooks"));
    const forge = new LocalForge({ repo: repo.dir, session: "s1", env: repo.env });

    await assertCleanForSession(repo.dir, ["train.py"], repo.env);
    await forge.startSession(repo.base);
    const sha = await forge.commitCandidate({
      experiment: 1,
      parent: repo.base,
      files: new Map([["train.py", "X = 3\n"]]),
      message: "X = 3",
    });
    expect(await forge.advanceRatchet(repo.base, sha)).toBe(true);
    const dir = join(tempDir("autoopt-git-wt-"), "exp-1");
    await addWorktree(repo.dir, dir, sha, repo.env);
    const runner = await openGitRepo(dir, repo.env);
    expect(await checkCandidate(runner, config, repo.base, sha)).toEqual({
      ok: true,
      changed: ["train.py"],
    });
    write(dir, "prepare.py", "print('forged')\n");
    expect((await restoreLockedFiles(runner, config, repo.base)).ok).toBe(true);
    expect(readFileSync(join(dir, "prepare.py"), "utf8")).toBe("print('trusted')\n");
    expect(readFileSync(join(dir, "train.py"), "utf8")).toBe("X = 3\n");
    await removeWorktree(repo.dir, dir, repo.env);

    expect(markersLeft(repo)).toEqual([]);
    expect(plainGit(repo, "rev-parse", forge.ratchetRef)).toBe(sha);
    expect(plainGit(repo, "worktree", "list", "--porcelain")).not.toContain(dir);
  });

  it("do not run for the demo's own commit", async () => {
    const repo = attackRepo();
    clearMarkers(repo);
    const dir = tempDir("autoopt-git-demo-");
    write(dir, "train.py", "X = 1\n");
    installHooks(repo, join(dir, ".git", "hooks"));
    await commitExample(dir, "example");
    expect(markersLeft(repo)).toEqual([]);
    expect(plainGit({ dir, env: repo.env }, "log", "--format=%s")).toBe("example");
  });
});
