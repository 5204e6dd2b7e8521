import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LocalForge } from "../../../src/forge/local/index.ts";
import {
  env,
  git,
  makeUserRepo,
  RUN_SH,
  removeTempDirs,
  TRAIN_PY,
  type UserRepo,
  type UserState,
} from "./fixtures.ts";

afterAll(removeTempDirs);

// Every test ends by checking that the user's working tree, index, HEAD and branch are as before.
const watched: { repo: UserRepo; before: UserState }[] = [];
afterEach(() => {
  for (const { repo, before } of watched.splice(0)) expect(repo.snapshot()).toEqual(before);
});

function setup(branch = "main"): { repo: UserRepo; forge: LocalForge } {
  const repo = makeUserRepo(branch);
  watched.push({ repo, before: repo.snapshot() });
  return { repo, forge: new LocalForge({ repo: repo.dir, session: "s1", env }) };
}

const RATCHET = "refs/heads/autoopt/s1/ratchet";
const exp = (n: number) => `refs/heads/autoopt/s1/exp-${n}`;
const refOf = (dir: string, ref: string) => git(dir, "for-each-ref", "--format=%(objectname)", ref);
const parentsOf = (dir: string, sha: string) =>
  git(dir, "rev-list", "--parents", "-n", "1", sha).split(" ").slice(1);
const show = (dir: string, sha: string, path: string) =>
  git(dir, "cat-file", "blob", `${sha}:${path}`);
const modeOf = (dir: string, sha: string, path: string) =>
  git(dir, "ls-tree", sha, "--", path).split(" ")[0];
const changedPaths = (dir: string, from: string, to: string) =>
  git(dir, "diff-tree", "-r", "--name-only", "--no-commit-id", from, to)
    .split("\n")
    .filter(Boolean);

/** train.py from the fixture with line `index` (0-based) replaced. */
function trainWith(...edits: [number, string][]): string {
  const lines = TRAIN_PY.split("\n");
  for (const [index, text] of edits) lines[index] = text;
  return lines.join("\n");
}

describe("LocalForge", () => {
  describe.each(["main", "master"])(
    "on a repository whose branch is %s, with uncommitted work",
    (branch) => {
      it("startSession creates the ratchet branch at HEAD and leaves it alone when called again", async () => {
        const { repo, forge } = setup(branch);
        await expect(forge.ratchetHead()).rejects.toThrow(/has no ratchet branch/);
        await forge.startSession(repo.base);
        expect(refOf(repo.dir, RATCHET)).toBe(repo.base);
        expect(await forge.ratchetHead()).toBe(repo.base);

        const other = await forge.commitCandidate({
          experiment: 1,
          parent: repo.base,
          files: new Map([["notes.md", "x\n"]]),
          message: "m",
        });
        await forge.startSession(repo.base);
        await forge.startSession(other);
        expect(await forge.ratchetHead()).toBe(repo.base);
        expect(git(repo.dir, "symbolic-ref", "HEAD")).toBe(`refs/heads/${branch}`);
      });
    },
  );

  it("commitCandidate makes one commit on exp-<n> whose parent is given and whose tree differs only in the given files", async () => {
    const { repo, forge } = setup();
    await forge.startSession(repo.base);
    const train = trainWith([3, "MATRIX_LR = 0.06"]);
    const script = "#!/bin/sh\npython train.py --fast\n";
    const sha = await forge.commitCandidate({
      experiment: 3,
      parent: repo.base,
      files: new Map([
        ["train.py", train],
        ["run.sh", script],
        ["sub/new.py", "NEW = 1\n"],
      ]),
      message: "MATRIX_LR 0.04 → 0.06",
    });

    expect(refOf(repo.dir, exp(3))).toBe(sha);
    expect(parentsOf(repo.dir, sha)).toEqual([repo.base]);
    expect(git(repo.dir, "rev-list", "--count", `${repo.base}..${sha}`)).toBe("1");
    expect(git(repo.dir, "log", "-1", "--format=%B", sha)).toBe("MATRIX_LR 0.04 → 0.06");
    expect(changedPaths(repo.dir, repo.base, sha)).toEqual(["run.sh", "sub/new.py", "train.py"]);
    expect(show(repo.dir, sha, "train.py")).toBe(train.trimEnd());
    expect(show(repo.dir, sha, "run.sh")).toBe(script.trimEnd());
    // The executable bit comes from the parent; a new file is a plain file.
    expect(modeOf(repo.dir, sha, "run.sh")).toBe("100755");
    expect(modeOf(repo.dir, sha, "train.py")).toBe("100644");
    expect(modeOf(repo.dir, sha, "sub/new.py")).toBe("100644");
    // Unchanged files are the very same blobs.
    expect(git(repo.dir, "rev-parse", `${sha}:notes.md`)).toBe(
      git(repo.dir, "rev-parse", `${repo.base}:notes.md`),
    );
    // Neither the ratchet nor the user's branch moved.
    expect(await forge.ratchetHead()).toBe(repo.base);
    expect(git(repo.dir, "rev-parse", "HEAD")).toBe(repo.base);
  });

  it("commitCandidate bases the commit on the given parent, not on HEAD", async () => {
    const { repo, forge } = setup();
    await forge.startSession(repo.base);
    const first = await forge.commitCandidate({
      experiment: 1,
      parent: repo.base,
      files: new Map([["train.py", trainWith([2, "DEPTH = 12"])]]),
      message: "a",
    });
    const second = await forge.commitCandidate({
      experiment: 2,
      parent: first,
      files: new Map([["run.sh", "#!/bin/sh\n"]]),
      message: "b",
    });
    expect(parentsOf(repo.dir, second)).toEqual([first]);
    expect(show(repo.dir, second, "train.py")).toContain("DEPTH = 12");
    expect(changedPaths(repo.dir, first, second)).toEqual(["run.sh"]);
    expect(modeOf(repo.dir, second, "run.sh")).toBe("100755");
  });

  describe("advanceRatchet is a compare-and-swap", () => {
    it("moves the ratchet when it is at `from`, refuses when it moved, and throws on a non-fast-forward", async () => {
      const { repo, forge } = setup();
      await forge.startSession(repo.base);
      const files = (text: string) => new Map([["notes.md", text]]);
      const a = await forge.commitCandidate({
        experiment: 1,
        parent: repo.base,
        files: files("a\n"),
        message: "a",
      });
      const b = await forge.commitCandidate({
        experiment: 2,
        parent: repo.base,
        files: files("b\n"),
        message: "b",
      });
      const onA = await forge.commitCandidate({
        experiment: 3,
        parent: a,
        files: files("c\n"),
        message: "c",
      });

      expect(await forge.advanceRatchet(repo.base, a)).toBe(true);
      expect(await forge.ratchetHead()).toBe(a);
      // Someone else read the ratchet at base and wants to move it to b: it has moved since.
      expect(await forge.advanceRatchet(repo.base, b)).toBe(false);
      expect(await forge.ratchetHead()).toBe(a);
      // b does not descend from a: never a blind overwrite.
      await expect(forge.advanceRatchet(a, b)).rejects.toThrow(/not a fast-forward/);
      expect(await forge.ratchetHead()).toBe(a);
      expect(await forge.advanceRatchet(a, onA)).toBe(true);
      expect(await forge.ratchetHead()).toBe(onA);
      expect(git(repo.dir, "rev-parse", "HEAD")).toBe(repo.base);
    });

    it("resetRatchet moves it anywhere", async () => {
      const { repo, forge } = setup();
      await forge.startSession(repo.base);
      const a = await forge.commitCandidate({
        experiment: 1,
        parent: repo.base,
        files: new Map([["notes.md", "a\n"]]),
        message: "a",
      });
      await forge.advanceRatchet(repo.base, a);
      await forge.resetRatchet(repo.base);
      expect(await forge.ratchetHead()).toBe(repo.base);
    });
  });

  describe("rebaseCandidate", () => {
    async function movedRatchet(forge: LocalForge, repo: UserRepo) {
      await forge.startSession(repo.base);
      const kept = await forge.commitCandidate({
        experiment: 1,
        parent: repo.base,
        files: new Map([["train.py", trainWith([2, "DEPTH = 12"])]]),
        message: "DEPTH 8 → 12",
      });
      expect(await forge.advanceRatchet(repo.base, kept)).toBe(true);
      return kept;
    }

    it("re-applies a candidate's change onto the moved head", async () => {
      const { repo, forge } = setup();
      const head = await movedRatchet(forge, repo);
      const candidate = await forge.commitCandidate({
        experiment: 2,
        parent: repo.base,
        files: new Map([
          ["train.py", trainWith([9, "WEIGHT_DECAY = 0.3"])],
          ["run.sh", "#!/bin/sh\nexec python train.py\n"],
        ]),
        message: "WEIGHT_DECAY 0.2 → 0.3",
      });
      const rebased = await forge.rebaseCandidate({
        experiment: 4,
        candidate,
        parent: repo.base,
        onto: head,
        message: "again",
      });
      if (typeof rebased !== "string") throw new Error(`unexpected conflict: ${rebased.conflict}`);

      expect(parentsOf(repo.dir, rebased)).toEqual([head]);
      expect(refOf(repo.dir, exp(4))).toBe(rebased);
      expect(show(repo.dir, rebased, "train.py")).toBe(
        trainWith([2, "DEPTH = 12"], [9, "WEIGHT_DECAY = 0.3"]).trimEnd(),
      );
      expect(changedPaths(repo.dir, head, rebased)).toEqual(["run.sh", "train.py"]);
      expect(modeOf(repo.dir, rebased, "run.sh")).toBe("100755");
      expect(git(repo.dir, "log", "-1", "--format=%B", rebased)).toBe("again");
      expect(refOf(repo.dir, exp(2))).toBe(candidate);
      expect(await forge.ratchetHead()).toBe(head);
    });

    it("returns the conflict when the candidate changed the same lines, and makes no branch", async () => {
      const { repo, forge } = setup();
      const head = await movedRatchet(forge, repo);
      const candidate = await forge.commitCandidate({
        experiment: 2,
        parent: repo.base,
        files: new Map([["train.py", trainWith([2, "DEPTH = 4"])]]),
        message: "DEPTH 8 → 4",
      });
      const result = await forge.rebaseCandidate({
        experiment: 3,
        candidate,
        parent: repo.base,
        onto: head,
        message: "again",
      });
      expect(result).toEqual({ conflict: expect.stringContaining("train.py") });
      expect(refOf(repo.dir, exp(3))).toBe("");
      expect(await forge.ratchetHead()).toBe(head);
    });

    it("is not thrown off by the user's diff settings (noprefix, colour, external diff, zero context)", async () => {
      const { repo, forge } = setup();
      for (const [key, value] of [
        ["diff.noprefix", "true"],
        ["diff.mnemonicPrefix", "true"],
        ["color.ui", "always"],
        ["diff.external", "false"],
        ["diff.context", "0"],
      ] as const) {
        git(repo.dir, "config", key, value);
      }
      const head = await movedRatchet(forge, repo);
      const candidate = await forge.commitCandidate({
        experiment: 2,
        parent: repo.base,
        files: new Map([["train.py", trainWith([9, "WEIGHT_DECAY = 0.3"])]]),
        message: "w",
      });
      const rebased = await forge.rebaseCandidate({
        experiment: 3,
        candidate,
        parent: repo.base,
        onto: head,
        message: "again",
      });
      if (typeof rebased !== "string") throw new Error(`unexpected conflict: ${rebased.conflict}`);
      expect(show(repo.dir, rebased, "train.py")).toBe(
        trainWith([2, "DEPTH = 12"], [9, "WEIGHT_DECAY = 0.3"]).trimEnd(),
      );
    });
  });

  it("dropExperiment deletes the branch, leaves the others, and is idempotent", async () => {
    const { repo, forge } = setup();
    await forge.startSession(repo.base);
    const one = await forge.commitCandidate({
      experiment: 1,
      parent: repo.base,
      files: new Map([["notes.md", "1\n"]]),
      message: "1",
    });
    const two = await forge.commitCandidate({
      experiment: 2,
      parent: repo.base,
      files: new Map([["notes.md", "2\n"]]),
      message: "2",
    });
    await forge.dropExperiment(1);
    expect(refOf(repo.dir, exp(1))).toBe("");
    expect(refOf(repo.dir, exp(2))).toBe(two);
    await forge.dropExperiment(1);
    await forge.dropExperiment(99);
    expect(refOf(repo.dir, exp(2))).toBe(two);
    expect(await forge.ratchetHead()).toBe(repo.base);
    // The commit itself stays readable for the record.
    expect(show(repo.dir, one, "notes.md")).toBe("1");
  });

  it("markFrontier keeps exactly the members' branches, even after their experiment branches go", async () => {
    const { repo, forge } = setup();
    await forge.startSession(repo.base);
    const commits: string[] = [];
    for (const n of [1, 2, 3]) {
      commits.push(
        await forge.commitCandidate({
          experiment: n,
          parent: repo.base,
          files: new Map([["notes.md", `${n}\n`]]),
          message: String(n),
        }),
      );
    }
    const frontier = (n: number) => `refs/heads/autoopt/s1/frontier/exp-${n}`;
    await forge.markFrontier([
      { experiment: 1, sha: commits[0] ?? "" },
      { experiment: 2, sha: commits[1] ?? "" },
    ]);
    await forge.dropExperiment(2);
    expect(refOf(repo.dir, frontier(2))).toBe(commits[1]);
    await forge.markFrontier([
      { experiment: 2, sha: commits[1] ?? "" },
      { experiment: 3, sha: commits[2] ?? "" },
    ]);
    expect(refOf(repo.dir, frontier(1))).toBe("");
    expect(refOf(repo.dir, frontier(2))).toBe(commits[1]);
    expect(refOf(repo.dir, frontier(3))).toBe(commits[2]);
    await forge.markFrontier([]);
    expect(refOf(repo.dir, frontier(3))).toBe("");
  });

  it("readFiles and listFiles read committed content, not the working tree", async () => {
    const { repo, forge } = setup();
    expect(await forge.listFiles(repo.base)).toEqual([
      "notes.md",
      "run.sh",
      "sub/lib.py",
      "train.py",
    ]);
    const files = await forge.readFiles(repo.base, [
      "train.py",
      "sub",
      "sub/lib.py",
      "missing.py",
      "a name with spaces.py",
      "scratch.txt",
      "run.sh",
    ]);
    // One batch: missing paths and folders are left out, and the files after them still read.
    expect(files).toEqual(
      new Map([
        ["train.py", TRAIN_PY],
        ["sub/lib.py", "SCALE = 2\n"],
        ["run.sh", RUN_SH],
      ]),
    );
    const sha = await forge.commitCandidate({
      experiment: 1,
      parent: repo.base,
      files: new Map([["sub/new.py", "X = 1\n"]]),
      message: "m",
    });
    expect(await forge.listFiles(sha)).toEqual([
      "notes.md",
      "run.sh",
      "sub/lib.py",
      "sub/new.py",
      "train.py",
    ]);
    expect((await forge.readFiles(sha, ["sub/new.py"])).get("sub/new.py")).toBe("X = 1\n");
  });

  it("diff is a plain unified diff of the change, whatever the user's diff settings", async () => {
    const { repo, forge } = setup();
    const sha = await forge.commitCandidate({
      experiment: 1,
      parent: repo.base,
      files: new Map([["train.py", trainWith([2, "DEPTH = 12"])]]),
      message: "m",
    });
    const expected = await forge.diff(repo.base, sha);
    expect(expected).toContain("--- a/train.py\n+++ b/train.py\n");
    expect(expected).toContain("-DEPTH = 8\n+DEPTH = 12\n");
    expect(expected).not.toContain("notes.md");
    git(repo.dir, "config", "diff.external", "false");
    git(repo.dir, "config", "color.ui", "always");
    git(repo.dir, "config", "diff.noprefix", "true");
    expect(await forge.diff(repo.base, sha)).toBe(expected);
  });

  it("a whole session's branch work leaves the user's tree, index, HEAD and branch byte for byte as they were", async () => {
    const { repo, forge } = setup();
    const before = repo.snapshot();
    await forge.startSession(repo.base);
    const a = await forge.commitCandidate({
      experiment: 1,
      parent: repo.base,
      files: new Map([
        ["train.py", trainWith([2, "DEPTH = 12"])],
        ["notes.md", "n\n"],
      ]),
      message: "a",
    });
    const b = await forge.commitCandidate({
      experiment: 2,
      parent: repo.base,
      files: new Map([["train.py", trainWith([9, "WEIGHT_DECAY = 0.3"])]]),
      message: "b",
    });
    const c = await forge.commitCandidate({
      experiment: 3,
      parent: repo.base,
      files: new Map([["train.py", trainWith([2, "DEPTH = 4"])]]),
      message: "c",
    });
    await forge.advanceRatchet(repo.base, a);
    await forge.advanceRatchet(repo.base, b);
    await expect(forge.advanceRatchet(a, c)).rejects.toThrow();
    const rebased = await forge.rebaseCandidate({
      experiment: 4,
      candidate: b,
      parent: repo.base,
      onto: a,
      message: "b again",
    });
    expect(typeof rebased).toBe("string");
    expect(
      await forge.rebaseCandidate({
        experiment: 5,
        candidate: c,
        parent: repo.base,
        onto: a,
        message: "c again",
      }),
    ).toHaveProperty("conflict");
    await forge.dropExperiment(2);
    await forge.dropExperiment(3);
    await forge.readFiles(a, ["train.py", "notes.md"]);
    await forge.listFiles(a);
    await forge.diff(repo.base, a);
    await forge.resetRatchet(a);
    // afterEach repeats this for every test; here it is spelled out.
    const after = repo.snapshot();
    expect(after.status).toBe(before.status);
    expect(after.diff).toBe(before.diff);
    expect(after.cached).toBe(before.cached);
    expect(after.head).toBe(before.head);
    expect(after.branch).toBe(before.branch);
    expect(after).toEqual(before);
    // The fixture really has all three kinds of user state.
    expect(before.cached).toContain("+staged by the user");
    expect(before.diff).toContain("+# the user's unstaged edit");
    expect(before.status).toContain("? scratch.txt");
  });
});
