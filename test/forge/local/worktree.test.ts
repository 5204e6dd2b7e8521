import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addWorktree, LocalForge, removeWorktree } from "../../../src/forge/local/index.ts";
import { env, git, makeUserRepo, removeTempDirs, TRAIN_PY, tempDir, write } from "./fixtures.ts";

afterAll(removeTempDirs);

const worktrees = (dir: string) =>
  git(dir, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((l) => l.startsWith("worktree "))
    .map((l) => l.slice("worktree ".length));

describe("addWorktree / removeWorktree", () => {
  it("adds and removes many at once for runs that start together", async () => {
    const repo = makeUserRepo();
    const root = tempDir("autoopt-wt-");
    const dirs = Array.from({ length: 16 }, (_, i) => join(root, `exp-${i + 1}`));
    await Promise.all(dirs.map((dir) => addWorktree(repo.dir, dir, repo.base, env)));
    expect(worktrees(repo.dir).sort()).toEqual([repo.dir, ...dirs].sort());
    await Promise.all(dirs.map((dir) => removeWorktree(repo.dir, dir, env)));
    expect(worktrees(repo.dir)).toEqual([repo.dir]);
  });

  it("checks a commit out in its own folder and leaves no registered worktree behind", async () => {
    const repo = makeUserRepo();
    const before = repo.snapshot();
    const forge = new LocalForge({ repo: repo.dir, session: "s1", env });
    const sha = await forge.commitCandidate({
      experiment: 1,
      parent: repo.base,
      files: new Map([["train.py", "DEPTH = 12\n"]]),
      message: "m",
    });
    const dir = join(tempDir("autoopt-wt-"), "exp-1");

    await addWorktree(repo.dir, dir, sha, env);
    expect(worktrees(repo.dir)).toEqual([repo.dir, dir]);
    expect(git(dir, "rev-parse", "HEAD")).toBe(sha);
    expect(() => git(dir, "symbolic-ref", "-q", "HEAD")).toThrow(); // detached: no branch is checked out twice
    expect(readFileSync(join(dir, "train.py"), "utf8")).toBe("DEPTH = 12\n");
    expect(statSync(join(dir, "run.sh")).mode & 0o111).not.toBe(0);
    expect(existsSync(join(dir, "scratch.txt"))).toBe(false);

    await removeWorktree(repo.dir, dir, env);
    expect(worktrees(repo.dir)).toEqual([repo.dir]);
    expect(existsSync(dir)).toBe(false);
    expect(repo.snapshot()).toEqual(before);
  });

  it("replaces a leftover folder or worktree, and removing one that is not there is fine", async () => {
    const repo = makeUserRepo();
    const before = repo.snapshot();
    const dir = join(tempDir("autoopt-wt-"), "exp-2");
    await removeWorktree(repo.dir, dir, env);

    write(dir, "junk.txt", "from an interrupted run\n");
    await addWorktree(repo.dir, dir, repo.base, env);
    expect(existsSync(join(dir, "junk.txt"))).toBe(false);
    expect(readFileSync(join(dir, "train.py"), "utf8")).toBe(TRAIN_PY);

    write(dir, "train.py", "edited in the worktree\n");
    await addWorktree(repo.dir, dir, repo.base, env);
    expect(readFileSync(join(dir, "train.py"), "utf8")).toBe(TRAIN_PY);
    expect(worktrees(repo.dir)).toEqual([repo.dir, dir]);

    // A worktree whose folder was deleted by hand is still registered: adding it again works.
    rmSync(dir, { recursive: true, force: true });
    expect(worktrees(repo.dir)).toEqual([repo.dir, dir]);
    await addWorktree(repo.dir, dir, repo.base, env);
    expect(readFileSync(join(dir, "train.py"), "utf8")).toBe(TRAIN_PY);
    expect(worktrees(repo.dir)).toEqual([repo.dir, dir]);

    await removeWorktree(repo.dir, dir, env);
    await removeWorktree(repo.dir, dir, env);
    expect(worktrees(repo.dir)).toEqual([repo.dir]);
    expect(git(repo.dir, "worktree", "prune", "--dry-run", "--verbose")).toBe("");
    expect(repo.snapshot()).toEqual(before);
  });
});
