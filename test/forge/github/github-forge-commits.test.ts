import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { gitBlobSha } from "../../../src/forge/github/github-forge.ts";
import { forge, refs } from "./forge-fixture.ts";
import { GitHubMock, rejected, useNock } from "./github-mock.ts";
import { sha } from "./github-shapes.ts";

useNock();

describe("GitHubForge files", () => {
  const text =
    "# naïve température — 温度 = 0.7 🚀\nlr = 3e-4  # a line long enough to wrap GitHub's base64\n";

  it("lists a commit's files (blobs only) and reads them from base64 as UTF-8, once per commit", async () => {
    new GitHubMock()
      .getCommit(sha("c1"), sha("t1"), [sha("c0")])
      .getTree(sha("t1"), [
        { path: "train.py", sha: sha("b-train"), mode: "100755" },
        { path: "data", sha: sha("t-data"), mode: "040000", type: "tree" },
        { path: "data/prepare.py", sha: sha("b-prep") },
        { path: "vendor/lib", sha: sha("sub"), mode: "160000", type: "commit" },
      ])
      .getBlob(sha("b-train"), text);
    const f = forge();
    expect(await f.listFiles(sha("c1"))).toEqual(["train.py", "data/prepare.py"]);
    const files = await f.readFiles(sha("c1"), ["train.py", "missing.py", "data", "vendor/lib"]);
    expect(files).toEqual(new Map([["train.py", text]]));
    expect(f.requests).toBe(3);
  });

  it("says why when GitHub truncates the recursive tree", async () => {
    new GitHubMock()
      .getCommit(sha("big"), sha("t-big"), [])
      .getTree(sha("t-big"), [{ path: "a.py", sha: sha("a") }], true);
    await expect(forge().listFiles(sha("big"))).rejects.toThrow(
      /truncated: true.*move large generated or vendored files/,
    );
  });

  it("commits a candidate: a tree with the files inline on the parent's, a commit, the experiment branch", async () => {
    new GitHubMock()
      .getCommit(sha("best"), sha("t-best"), [sha("before")])
      .getTree(sha("t-best"), [{ path: "train.py", sha: sha("old train"), mode: "100755" }])
      .createTree(
        {
          tree: [
            { path: "train.py", mode: "100755", type: "blob", content: text },
            { path: "notes/idea.md", mode: "100644", type: "blob", content: "notes\n" },
          ],
          base_tree: sha("t-best"),
        },
        sha("t-cand"),
      )
      .createCommit(
        { message: "warmup 2x", tree: sha("t-cand"), parents: [sha("best")] },
        sha("cand"),
      )
      .createRef(refs.experiment(3), sha("cand"));
    const files = new Map([
      ["train.py", text],
      ["notes/idea.md", "notes\n"],
    ]);
    const f = forge();
    const made = await f.commitCandidate({
      experiment: 3,
      parent: sha("best"),
      files,
      message: "warmup 2x",
    });
    expect(made).toBe(sha("cand"));
    // What it holds is known without a request.
    const before = f.requests;
    expect(await f.listFiles(made)).toEqual(["train.py", "notes/idea.md"]);
    expect(await f.readFiles(made, ["train.py", "notes/idea.md"])).toEqual(files);
    expect(f.requests).toBe(before);
  });

  it("hashes a blob as git does, for any UTF-8 text", () => {
    const hashed = (content: string) =>
      execFileSync("git", ["hash-object", "--stdin"], { input: content, encoding: "utf8" }).trim();
    for (const content of [text, "", "x = 1\n", "no newline at the end", "\r\n\0binary-ish\u00ff"])
      expect(gitBlobSha(content)).toBe(hashed(content));
  });

  it("moves an experiment branch left over from an interrupted attempt", async () => {
    new GitHubMock()
      .getCommit(sha("best"), sha("t-best"), [])
      .getTree(sha("t-best"), [{ path: "train.py", sha: sha("old") }])
      .createTree(
        {
          tree: [{ path: "train.py", mode: "100644", type: "blob", content: "x = 1\n" }],
          base_tree: sha("t-best"),
        },
        sha("t"),
      )
      .createCommit({ message: "m", tree: sha("t"), parents: [sha("best")] }, sha("cand"))
      .createRef(
        refs.experiment(3),
        sha("cand"),
        rejected("Reference already exists", "git/refs#create-a-reference"),
      )
      .updateRef(refs.experiment(3), sha("cand"), true);
    const files = new Map([["train.py", "x = 1\n"]]);
    expect(
      await forge().commitCandidate({ experiment: 3, parent: sha("best"), files, message: "m" }),
    ).toBe(sha("cand"));
  });

  it("gives the diff between two commits as text", async () => {
    const diff =
      "diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-lr = 1\n+lr = 2\n";
    new GitHubMock().compareDiff(sha("a"), sha("b"), diff);
    expect(await forge().diff(sha("a"), sha("b"))).toBe(diff);
  });
});

describe("GitHubForge rebase", () => {
  const input = {
    experiment: 5,
    candidate: sha("cand"),
    parent: sha("p"),
    onto: sha("onto"),
    message: "lr 2x (re-based from exp-2)",
  };

  it("reports a conflict when the candidate and the ratchet changed the same path", async () => {
    new GitHubMock()
      .compare(sha("p"), sha("cand"), "ahead", [{ filename: "train.py", status: "modified" }])
      .compare(sha("p"), sha("onto"), "ahead", [
        { filename: "prepare.py", status: "modified" },
        { filename: "train.py", status: "modified" },
      ]);
    const result = await forge().rebaseCandidate(input);
    expect(result).toEqual({
      conflict: `the candidate ${sha("cand").slice(0, 7)} and the ratchet since ${sha("p").slice(0, 7)} both changed train.py`,
    });
  });

  it("counts a rename's old name as changed", async () => {
    new GitHubMock()
      .compare(sha("p"), sha("cand"), "ahead", [
        { filename: "model.py", status: "renamed", previous_filename: "net.py" },
      ])
      .compare(sha("p"), sha("onto"), "ahead", [{ filename: "net.py", status: "modified" }]);
    expect(await forge().rebaseCandidate(input)).toHaveProperty(
      "conflict",
      expect.stringMatching(/changed net\.py$/),
    );
  });

  it("carries the candidate's files, deletions and renames onto the new ratchet head", async () => {
    new GitHubMock()
      .compare(sha("p"), sha("cand"), "ahead", [
        { filename: "train.py", status: "modified" },
        { filename: "old.py", status: "removed" },
        { filename: "b.py", status: "renamed", previous_filename: "a.py" },
      ])
      .compare(sha("p"), sha("onto"), "ahead", [{ filename: "prepare.py", status: "modified" }])
      .getCommit(sha("cand"), sha("t-cand"), [sha("p")])
      .getTree(sha("t-cand"), [
        { path: "b.py", sha: sha("b-b") },
        { path: "prepare.py", sha: sha("b-prep-old") },
        { path: "train.py", sha: sha("b-train"), mode: "100755" },
      ])
      .getCommit(sha("onto"), sha("t-onto"), [sha("p")])
      .createTree(
        {
          tree: [
            { path: "a.py", mode: "100644", type: "blob", sha: null },
            { path: "b.py", mode: "100644", type: "blob", sha: sha("b-b") },
            { path: "old.py", mode: "100644", type: "blob", sha: null },
            { path: "train.py", mode: "100755", type: "blob", sha: sha("b-train") },
          ],
          base_tree: sha("t-onto"),
        },
        sha("t-new"),
      )
      .createCommit(
        { message: input.message, tree: sha("t-new"), parents: [sha("onto")] },
        sha("rebased"),
      )
      .createRef(refs.experiment(5), sha("rebased"));
    expect(await forge().rebaseCandidate(input)).toBe(sha("rebased"));
  });

  it("compares both ways when the ratchet was reset behind the candidate's parent", async () => {
    new GitHubMock()
      .compare(sha("p"), sha("cand"), "ahead", [{ filename: "train.py", status: "modified" }])
      .compare(sha("p"), sha("onto"), "behind", [])
      .compare(sha("onto"), sha("p"), "ahead", [{ filename: "train.py", status: "modified" }]);
    expect(await forge().rebaseCandidate(input)).toHaveProperty("conflict");
  });

  it("refuses a candidate that does not descend from its parent", async () => {
    new GitHubMock().compare(sha("p"), sha("cand"), "diverged", []);
    await expect(forge().rebaseCandidate(input)).rejects.toThrow(
      /does not descend from its parent .*"diverged"/,
    );
  });
});
