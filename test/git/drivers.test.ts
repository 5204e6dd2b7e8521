import { readFileSync, utimesSync } from "node:fs";
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
  clearMarkers,
  markersLeft,
  payload,
  plainGit,
  removeTempDirs,
  tempDir,
  write,
} from "./attack-repo.ts";

afterAll(removeTempDirs);

/** Attributes in the tree or in .git/info/attributes name the driver; .git/config defines it. */
const ATTRIBUTES: Record<string, () => AttackRepo> = {
  ".gitattributes in the tree": () =>
    attackRepo({ ".gitattributes": "* filter=evil merge=evil\n" }),
  ".git/info/attributes": () => {
    const repo = attackRepo();
    write(repo.dir, ".git/info/attributes", "* filter=evil merge=evil\n");
    return repo;
  },
};

function defineDrivers(repo: AttackRepo): void {
  plainGit(repo, "config", "filter.evil.smudge", payload(repo, "smudge", "cat"));
  plainGit(repo, "config", "filter.evil.clean", payload(repo, "clean", "cat"));
  plainGit(repo, "config", "filter.evil.required", "true");
  plainGit(repo, "config", "merge.evil.driver", payload(repo, "merge", "exit 0"));
}

/** The same file, with a new modification time: git must read it (through the filter) to compare. */
function touch(repo: AttackRepo, path: string): void {
  const later = new Date(Date.now() + 5000);
  utimesSync(join(repo.dir, path), later, later);
}

describe.each(Object.keys(ATTRIBUTES))("filter and merge drivers named by %s", (where) => {
  const make = ATTRIBUTES[where] as (typeof ATTRIBUTES)[string];

  it("are live for git as the user runs it", () => {
    const repo = make();
    defineDrivers(repo);
    touch(repo, "train.py");
    plainGit(repo, "status", "--porcelain");
    plainGit(repo, "worktree", "add", "-q", "--detach", join(tempDir("autoopt-git-wt-"), "w"));
    expect(markersLeft(repo)).toEqual(["clean", "smudge"]);
  });

  it("run nothing on a checkout or a status, which still do their work", async () => {
    const repo = make();
    defineDrivers(repo);
    touch(repo, "train.py");
    await assertCleanForSession(repo.dir, ["train.py"], repo.env);
    const dir = join(tempDir("autoopt-git-wt-"), "exp-1");
    await addWorktree(repo.dir, dir, repo.base, repo.env);
    expect(readFileSync(join(dir, "prepare.py"), "utf8")).toBe("print('trusted')\n");
    await removeWorktree(repo.dir, dir, repo.env);
    expect(markersLeft(repo)).toEqual([]);
  });

  it("run nothing when a rebase needs a three-way merge, which is then a conflict", async () => {
    const repo = make();
    const forge = new LocalForge({ repo: repo.dir, session: "s1", env: repo.env });
    await forge.startSession(repo.base);
    const commit = (experiment: number, content: string) =>
      forge.commitCandidate({
        experiment,
        parent: repo.base,
        files: new Map([["train.py", content]]),
        message: content,
      });
    const kept = await commit(1, "X = 2\n");
    expect(await forge.advanceRatchet(repo.base, kept)).toBe(true);
    const candidate = await commit(2, "X = 3\n");
    defineDrivers(repo);
    clearMarkers(repo);

    const rebased = await forge.rebaseCandidate({
      experiment: 2,
      candidate,
      parent: repo.base,
      onto: kept,
      message: "X = 3",
    });
    expect(rebased).toEqual({ conflict: expect.any(String) });
    expect(markersLeft(repo)).toEqual([]);
  });
});
