import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  addWorktree,
  assertCleanForSession,
  LocalForge,
  removeWorktree,
} from "../../src/forge/local/index.ts";
import {
  type AttackRepo,
  attackRepo,
  markersLeft,
  plainGit,
  removeTempDirs,
  script,
  tempDir,
} from "./attack-repo.ts";

afterAll(removeTempDirs);

/** Where a run can put config that git would read: each returns the parent env to hand autoopt. */
const PLACES: Record<string, (repo: AttackRepo, pairs: [string, string][]) => void> = {
  "the repository's .git/config": (repo, pairs) => {
    for (const [key, value] of pairs) plainGit(repo, "config", key, value);
  },
  "~/.gitconfig": (repo, pairs) => {
    const lines = pairs.map(([key, value]) => {
      const dot = key.lastIndexOf(".");
      return `[${key.slice(0, dot)}]\n\t${key.slice(dot + 1)} = ${JSON.stringify(value)}\n`;
    });
    writeFileSync(join(repo.home, ".gitconfig"), lines.join(""));
  },
  "GIT_CONFIG_COUNT in the parent environment": (repo, pairs) => {
    repo.env.GIT_CONFIG_COUNT = String(pairs.length);
    pairs.forEach(([key, value], n) => {
      repo.env[`GIT_CONFIG_KEY_${n}`] = key;
      repo.env[`GIT_CONFIG_VALUE_${n}`] = value;
    });
  },
};

function plant(repo: AttackRepo, place: string): void {
  const hooks = tempDir("autoopt-git-hooks-");
  for (const hook of ["post-checkout", "reference-transaction", "post-index-change"]) {
    script(repo, join(hooks, hook), `hooksPath-${hook}`);
  }
  PLACES[place]?.(repo, [
    ["core.hooksPath", hooks],
    ["core.fsmonitor", `${join(hooks, "fsmonitor")}`],
  ]);
  script(repo, join(hooks, "fsmonitor"), "fsmonitor");
}

describe.each(Object.keys(PLACES))("core.fsmonitor and core.hooksPath in %s", (place) => {
  it("are live for git as the user runs it", () => {
    const repo = attackRepo();
    plant(repo, place);
    writeFileSync(join(repo.dir, "train.py"), "X = 1\n"); // same content, new mtime
    plainGit(repo, "status", "--porcelain");
    plainGit(repo, "update-ref", "refs/heads/other", "HEAD");
    expect(markersLeft(repo)).toEqual(
      expect.arrayContaining(["fsmonitor", "hooksPath-reference-transaction"]),
    );
  });

  it("run nothing from autoopt's calls, which still do their work", async () => {
    const repo = attackRepo();
    plant(repo, place);
    writeFileSync(join(repo.dir, "train.py"), "X = 1\n");
    await assertCleanForSession(repo.dir, ["train.py", "prepare.py"], repo.env);
    writeFileSync(join(repo.dir, "train.py"), "X = 2\n");
    await expect(assertCleanForSession(repo.dir, [], repo.env)).rejects.toThrow(
      /uncommitted changes \(train\.py\)/,
    );
    const forge = new LocalForge({ repo: repo.dir, session: "s1", env: repo.env });
    await forge.startSession(repo.base);
    const sha = await forge.commitCandidate({
      experiment: 1,
      parent: repo.base,
      files: new Map([["train.py", "X = 3\n"]]),
      message: "X = 3",
    });
    const dir = join(tempDir("autoopt-git-wt-"), "exp-1");
    await addWorktree(repo.dir, dir, sha, repo.env);
    expect(readFileSync(join(dir, "train.py"), "utf8")).toBe("X = 3\n");
    await removeWorktree(repo.dir, dir, repo.env);

    expect(markersLeft(repo)).toEqual([]);
    expect(plainGit(repo, "rev-parse", forge.experimentRef(1))).toBe(sha);
  });
});
