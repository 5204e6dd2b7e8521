import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  assertCleanForSession,
  headSha,
  ignoreArchive,
  repoRoot,
} from "../../../src/forge/local/index.ts";
import { env, git, removeTempDirs, tempDir, write } from "./fixtures.ts";

afterAll(removeTempDirs);

function cleanRepo(): { dir: string; base: string } {
  const dir = tempDir("autoopt-repo-");
  git(dir, "init", "-q", "-b", "main");
  write(dir, "train.py", "DEPTH = 8\n");
  write(dir, "prepare.py", "print('data')\n");
  write(dir, "program.md", "# direction\n");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "base");
  return { dir, base: git(dir, "rev-parse", "HEAD") };
}

const REQUIRED = ["train.py", "prepare.py", "program.md"];

describe("assertCleanForSession", () => {
  it("accepts a clean repository with its required files committed, untracked files or not", async () => {
    const { dir } = cleanRepo();
    await expect(assertCleanForSession(dir, REQUIRED, env)).resolves.toBeUndefined();
    write(dir, "scratch.txt", "untracked\n");
    await expect(assertCleanForSession(dir, REQUIRED, env)).resolves.toBeUndefined();
  });

  it("refuses an unstaged edit to a tracked file and names it", async () => {
    const { dir } = cleanRepo();
    write(dir, "train.py", "DEPTH = 9\n");
    const refusal = assertCleanForSession(dir, REQUIRED, env);
    await expect(refusal).rejects.toThrow(/uncommitted changes \(train\.py\)/);
    await expect(refusal).rejects.toThrow(/commit or stash/);
  });

  it("refuses a staged edit and names it", async () => {
    const { dir } = cleanRepo();
    write(dir, "prepare.py", "print('other data')\n");
    git(dir, "add", "prepare.py");
    await expect(assertCleanForSession(dir, REQUIRED, env)).rejects.toThrow(/prepare\.py/);
  });

  it("refuses a required file that is not committed and names it", async () => {
    const dir = tempDir("autoopt-repo-");
    git(dir, "init", "-q", "-b", "main");
    write(dir, "train.py", "DEPTH = 8\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
    write(dir, "program.md", "# direction\n");
    await expect(assertCleanForSession(dir, ["train.py", "program.md"], env)).rejects.toThrow(
      /program\.md is not committed; `git add` and commit/,
    );
    await expect(
      assertCleanForSession(dir, ["train.py", "program.md", "prepare.py"], env),
    ).rejects.toThrow(/program\.md, prepare\.py are not committed/);
  });
});

describe("ignoreArchive", () => {
  const exclude = (dir: string) => join(dir, ".git", "info", "exclude");
  const count = (dir: string) =>
    readFileSync(exclude(dir), "utf8")
      .split("\n")
      .filter((l) => l === "/.autoopt/").length;

  it("adds /.autoopt/ to .git/info/exclude once, after which git status ignores the archive", async () => {
    const { dir } = cleanRepo();
    write(dir, ".autoopt/s1/ledger.jsonl", "{}\n");
    expect(git(dir, "status", "--porcelain", "--untracked-files=all")).toContain(".autoopt/");

    await ignoreArchive(dir, env);
    await ignoreArchive(dir, env);
    expect(count(dir)).toBe(1);
    expect(git(dir, "status", "--porcelain", "--untracked-files=all")).toBe("");
    expect(git(dir, "check-ignore", ".autoopt/s1/ledger.jsonl")).toBe(".autoopt/s1/ledger.jsonl");
    // Only the archive is ignored, and the user's .gitignore is not created or edited.
    expect(existsSync(join(dir, ".gitignore"))).toBe(false);
    write(dir, "other.txt", "x\n");
    expect(git(dir, "status", "--porcelain")).toBe("?? other.txt");
  });

  it("keeps what the exclude file had, even without a final newline, and creates it when missing", async () => {
    const { dir } = cleanRepo();
    writeFileSync(exclude(dir), "*.log");
    await ignoreArchive(dir, env);
    expect(readFileSync(exclude(dir), "utf8")).toBe("*.log\n/.autoopt/\n");

    const bare = cleanRepo().dir;
    rmSync(dirname(exclude(bare)), { recursive: true, force: true });
    await ignoreArchive(bare, env);
    await ignoreArchive(bare, env);
    expect(readFileSync(exclude(bare), "utf8")).toBe("/.autoopt/\n");
  });
});

describe("repoRoot and headSha", () => {
  it("finds the top-level folder from a subfolder", async () => {
    const { dir } = cleanRepo();
    mkdirSync(join(dir, "a", "b"), { recursive: true });
    expect(await repoRoot(join(dir, "a", "b"), env)).toBe(dir);
  });

  it("outside a repository, tells the user to run git init", async () => {
    const outside = tempDir("autoopt-plain-");
    // Never look above the temp folder, in case the temp dir itself sits inside a repository.
    const noParent = { ...env, GIT_CEILING_DIRECTORIES: dirname(outside) };
    await expect(repoRoot(outside, noParent)).rejects.toThrow(
      /is not inside a git repository; run `git init`/,
    );
  });

  it("headSha is HEAD's commit, and a repository without commits is told to commit first", async () => {
    const { dir, base } = cleanRepo();
    expect(await headSha(dir, env)).toBe(base);
    const empty = tempDir("autoopt-empty-");
    git(empty, "init", "-q");
    await expect(headSha(empty, env)).rejects.toThrow(/no commits yet; commit your files/);
  });
});
