import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addWorktree, LocalForge, removeWorktree } from "../../src/forge/local/index.ts";
import { checkCandidate } from "../../src/runner/check-candidate.ts";
import { type GitRepo, openGitRepo, runGit } from "../../src/runner/git-cli.ts";
import { restoreLockedFiles } from "../../src/runner/restore-locked-files.ts";
import {
  type AttackRepo,
  attackRepo,
  attackConfig as config,
  markersLeft,
  payload,
  plainGit,
  removeTempDirs,
  tempDir,
  write,
} from "./attack-repo.ts";

afterAll(removeTempDirs);

/**
 * What a run can do from inside its checkout: build a repository of its own next to its files
 * (borrowing the real objects, so every commit still resolves), with config that runs its code,
 * attributes that name it, a HEAD at the base and a replacement for the locked file's blob; then
 * point the checkout's `.git` file there.
 */
function hijackGitFile(repo: AttackRepo, dir: string): void {
  const evil = join(dir, ".evil");
  const at = { dir, env: repo.env };
  plainGit(at, "init", "-q", "--bare", evil);
  const bare = { dir: evil, env: repo.env };
  plainGit(bare, "config", "core.bare", "false");
  plainGit(bare, "config", "core.fsmonitor", payload(repo, "fsmonitor", "exit 1"));
  plainGit(bare, "config", "filter.evil.smudge", payload(repo, "smudge", "cat"));
  plainGit(bare, "config", "filter.evil.process", payload(repo, "process", "exit 1"));
  write(evil, "info/attributes", "* filter=evil\n");
  write(evil, "objects/info/alternates", `${join(repo.dir, ".git", "objects")}\n`);
  writeFileSync(join(evil, "HEAD"), `${repo.base}\n`);
  const trusted = plainGit(repo, "rev-parse", `${repo.base}:prepare.py`);
  writeFileSync(join(dir, "forged.py"), "print('forged')\n");
  const forged = plainGit(bare, "hash-object", "-w", "--no-filters", join(dir, "forged.py"));
  plainGit(bare, "update-ref", `refs/replace/${trusted}`, forged);
  writeFileSync(join(dir, ".git"), `gitdir: ${evil}\n`);
}

async function candidateCheckout(repo: AttackRepo): Promise<{ dir: string; sha: string }> {
  const forge = new LocalForge({ repo: repo.dir, session: "s1", env: repo.env });
  const sha = await forge.commitCandidate({
    experiment: 1,
    parent: repo.base,
    files: new Map([["train.py", "X = 3\n"]]),
    message: "X = 3",
  });
  const dir = join(tempDir("autoopt-git-wt-"), "exp-1");
  await addWorktree(repo.dir, dir, sha, repo.env);
  return { dir, sha };
}

describe("a checkout whose .git file a run pointed at a repository of its own", () => {
  it("leads git as the user runs it there", async () => {
    const repo = attackRepo();
    const { dir } = await candidateCheckout(repo);
    hijackGitFile(repo, dir);
    const at = { dir, env: repo.env };
    expect(plainGit(at, "rev-parse", "HEAD")).toBe(repo.base);
    expect(plainGit(at, "cat-file", "blob", `${repo.base}:prepare.py`)).toBe("print('forged')");
  });

  it("leads nowhere for the runner, which pinned the repository before the run", async () => {
    const repo = attackRepo();
    const { dir, sha } = await candidateCheckout(repo);
    const runner = await openGitRepo(dir, repo.env);
    expect((await checkCandidate(runner, config, repo.base, sha)).ok).toBe(true);
    hijackGitFile(repo, dir);

    // The checks before the evaluator: the candidate is still what is checked out ...
    expect((await checkCandidate(runner, config, repo.base, sha)).ok).toBe(true);
    // ... the locked file comes back as the base has it ...
    write(dir, "prepare.py", "print('forged')\n");
    expect((await restoreLockedFiles(runner, config, repo.base)).ok).toBe(true);
    expect(readFileSync(join(dir, "prepare.py"), "utf8")).toBe("print('trusted')\n");
    // ... and a tree checked out from objects alone (as for the evaluator) runs no filter.
    const tree = tempDir("autoopt-git-eval-");
    const index: GitRepo = { ...runner, env: { ...runner.env, GIT_INDEX_FILE: join(tree, "i") } };
    await runGit(index, ["read-tree", sha]);
    await runGit(index, ["checkout-index", "--all", "--force", `--prefix=${tree}/`]);
    expect(readFileSync(join(tree, "train.py"), "utf8")).toBe("X = 3\n");
    await runGit(runner, ["status", "--porcelain"]);

    expect(markersLeft(repo)).toEqual([]);
  });

  it("is removed, and forgotten by the repository, without being read", async () => {
    const repo = attackRepo();
    const { dir } = await candidateCheckout(repo);
    hijackGitFile(repo, dir);
    await removeWorktree(repo.dir, dir, repo.env);
    expect(existsSync(dir)).toBe(false);
    expect(plainGit(repo, "worktree", "list", "--porcelain")).not.toContain(dir);
    expect(markersLeft(repo)).toEqual([]);
  });
});
