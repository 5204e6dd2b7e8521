import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, describe, expect, it } from "vitest";
import { LocalForge } from "../../../src/forge/local/index.ts";
import { env, git, gitRaw, makeUserRepo, removeTempDirs, TRAIN_PY } from "./fixtures.ts";

afterAll(removeTempDirs);

/** The git subcommands `work` started, in order. */
async function gitCalls(work: () => Promise<unknown>): Promise<string[]> {
  const calls: string[] = [];
  const listen = (message: unknown) => {
    const { args } = message as { args: readonly string[] };
    calls.push(args.find((a) => !a.startsWith("-")) ?? "");
  };
  subscribe("tracing:autoopt:git:start", listen);
  try {
    await work();
  } finally {
    unsubscribe("tracing:autoopt:git:start", listen);
  }
  return calls;
}

function setup() {
  const repo = makeUserRepo();
  return { repo, forge: new LocalForge({ repo: repo.dir, session: "s1", env }) };
}

describe("LocalForge: what it made or read of a commit", () => {
  it("answers the record check of a commit it made as git does, without asking git again", async () => {
    const { repo, forge } = setup();
    const sha = await forge.commitCandidate({
      parent: repo.base,
      files: new Map([
        ["train.py", TRAIN_PY.replace("DEPTH = 8", "DEPTH = 12")],
        ["notes.md", "# notes\n"], // as committed: not a change
        ["sub/new.py", "NEW = 1\n"],
      ]),
      message: "deeper",
    });
    const fromGit = git(
      repo.dir,
      "diff-tree",
      "-r",
      "--name-only",
      "--no-commit-id",
      repo.base,
      sha,
    );
    const calls = await gitCalls(async () => {
      expect(await forge.commitParents(sha)).toEqual([repo.base]);
      expect(await forge.changedPaths(repo.base, sha)).toEqual(fromGit.split("\n"));
      expect(await forge.diff(repo.base, sha)).toBe(
        gitRaw(repo.dir, "diff-tree", "-p", "--no-color", repo.base, sha),
      );
    });
    expect(fromGit.split("\n")).toEqual(["sub/new.py", "train.py"]);
    expect(calls).toEqual([]);
    // Asked about another pair, git answers.
    expect(await gitCalls(() => forge.changedPaths(sha, repo.base))).toEqual(["diff-tree"]);
    expect(await forge.commitParents(repo.base)).toEqual([]);
  });

  it("moves the ratchet onto a commit it made on the ratchet without asking whether it is a fast-forward", async () => {
    const { repo, forge } = setup();
    await forge.startSession(repo.base);
    const sha = await forge.commitCandidate({
      parent: repo.base,
      files: new Map([["train.py", "x = 1\n"]]),
      message: "x",
    });
    const calls = await gitCalls(async () => {
      expect(await forge.advanceRatchet(repo.base, sha)).toBe(true);
    });
    expect(calls).toEqual(["update-ref"]);
    // Still a compare-and-swap: the ratchet is no longer at the base.
    expect(await forge.advanceRatchet(repo.base, sha)).toBe(false);
    expect(await forge.ratchetHead()).toBe(sha);
  });

  it("reads a commit's files and listing once, and a branch's every time", async () => {
    const { repo, forge } = setup();
    const read = () => forge.readFiles(repo.base, ["train.py", "missing.py", "run.sh"]);
    const first = await gitCalls(async () => {
      expect([...(await read()).keys()]).toEqual(["train.py", "run.sh"]);
      expect(await forge.listFiles(repo.base)).toContain("sub/lib.py");
    });
    expect(first).toEqual(["cat-file", "ls-tree"]);
    const again = await gitCalls(async () => {
      expect((await read()).get("train.py")).toBe(TRAIN_PY);
      expect((await forge.readFiles(repo.base, ["run.sh"])).size).toBe(1);
      expect(await forge.listFiles(repo.base)).toContain("sub/lib.py");
    });
    // Only the path the commit lacks is asked again.
    expect(again).toEqual(["cat-file"]);
    const byName = await gitCalls(async () => {
      await forge.readFiles("HEAD", ["train.py"]);
      await forge.readFiles("HEAD", ["train.py"]);
    });
    expect(byName).toEqual(["cat-file", "cat-file"]);
  });

  it("dropExperiment deletes an existing branch and accepts a missing one, with one git process", async () => {
    const { repo, forge } = setup();
    await forge.setExperimentBranch(2, repo.base);
    expect(await gitCalls(() => forge.dropExperiment(2))).toEqual(["update-ref"]);
    expect(await forge.experimentHead(2)).toBeUndefined();
    expect(await gitCalls(() => forge.dropExperiment(2))).toEqual(["update-ref"]);
  });
});
