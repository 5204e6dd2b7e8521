import { afterAll, describe, expect, it } from "vitest";
import { checkCandidate } from "../../src/runner/check-candidate.ts";
import { type GitRepo, gitEnv } from "../../src/runner/git-cli.ts";
import { type FileSpec, git, makeConfig, makeRepo, removeTempDirs, testPath } from "./fixtures.ts";

afterAll(removeTempDirs);

const BASE: Record<string, FileSpec> = {
  "train.sh": "echo train\n",
  "prepare.py": "print('prepare')\n",
  "README.md": "readme\n",
  ".github/workflows/ci.yml": "on: push\n",
};

function repoOf(dir: string): GitRepo {
  return { dir, env: gitEnv({ PATH: testPath, HOME: process.env.HOME }) };
}

async function check(candidate: Record<string, FileSpec>) {
  const repo = makeRepo(BASE, candidate);
  return checkCandidate(repoOf(repo.dir), makeConfig(), repo.baseSha, repo.candidateSha);
}

describe("checkCandidate", () => {
  it("accepts changes to editable files, including new and deleted ones", async () => {
    const result = await check({ "train.sh": "echo better\n", "src/new.py": "x = 1\n" });
    expect(result).toEqual({ ok: true, changed: ["src/new.py", "train.sh"] });
    expect((await check({ "train.sh": null })).ok).toBe(true);
  });

  it("accepts a baseline run, where nothing changed", async () => {
    const repo = makeRepo(BASE);
    const result = await checkCandidate(repoOf(repo.dir), makeConfig(), repo.baseSha, repo.baseSha);
    expect(result).toEqual({ ok: true, changed: [] });
  });

  it.each<[string, Record<string, FileSpec>, string]>([
    ["a locked file", { "prepare.py": "print('hacked')\n" }, "prepare.py is locked"],
    ["a deleted locked file", { "prepare.py": null }, "prepare.py is locked"],
    [
      "a file that is not editable",
      { "README.md": "new\n" },
      "README.md is not editable (editable: train.sh, src/**)",
    ],
    [
      "a file under .github/",
      { ".github/workflows/ci.yml": "on: pull_request\n" },
      "is under .github/",
    ],
    ["a symlink", { "src/link": { symlink: "/etc/passwd" } }, "src/link is a symlink"],
    [
      "an editable file turned into a symlink",
      { "train.sh": { symlink: "README.md" } },
      "train.sh is a symlink",
    ],
  ])("refuses %s", async (_, candidate, reason) => {
    const result = await check(candidate);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it("refuses a submodule", async () => {
    const repo = makeRepo(BASE);
    const inner = makeRepo({ "x.txt": "x\n" });
    git(
      repo.dir,
      "-c",
      "protocol.file.allow=always",
      "submodule",
      "add",
      "-q",
      inner.dir,
      "src/sub",
    );
    git(repo.dir, "commit", "-q", "-m", "submodule");
    const candidateSha = git(repo.dir, "rev-parse", "HEAD");
    const result = await checkCandidate(
      repoOf(repo.dir),
      makeConfig({}, { editable: ["src/**", ".gitmodules"] }),
      repo.baseSha,
      candidateSha,
    );
    expect(!result.ok && result.reason).toContain("src/sub is a submodule");
  });

  it("throws when the base commit does not exist", async () => {
    const repo = makeRepo(BASE, { "train.sh": "x\n" });
    const missing = "0123456789abcdef0123456789abcdef01234567";
    await expect(
      checkCandidate(repoOf(repo.dir), makeConfig(), missing, repo.candidateSha),
    ).rejects.toThrow(`base commit ${missing} does not exist`);
  });

  it("throws when the workdir is not at the candidate", async () => {
    const repo = makeRepo(BASE, { "train.sh": "x\n" });
    await expect(
      checkCandidate(repoOf(repo.dir), makeConfig(), repo.baseSha, repo.baseSha),
    ).rejects.toThrow("not the candidate");
  });
});
