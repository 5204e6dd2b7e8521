import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const temps: string[] = [];

/** A fresh folder under the system temp dir, removed by removeTempDirs. */
export function tempDir(prefix = "autoopt-forge-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The environment both the forge and the test's own git calls get: no GIT_* from outside (a
 * hook's GIT_DIR would redirect every command), no system config, and an empty HOME so the
 * developer's global config cannot change what git prints.
 */
export function isolatedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("GIT_") && value !== undefined) env[name] = value;
  }
  return { ...env, HOME: tempDir("autoopt-home-"), GIT_CONFIG_NOSYSTEM: "1" };
}

export const env = isolatedEnv();

/** Runs git in `dir` as a user would (with an identity) and returns stdout untrimmed. */
export function gitRaw(dir: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=Test User",
      "-c",
      "user.email=user@example.com",
      "-c",
      "commit.gpgsign=false",
      ...args,
    ],
    { cwd: dir, env, encoding: "utf8" },
  );
}

export function git(dir: string, ...args: string[]): string {
  return gitRaw(dir, ...args).trim();
}

export function write(dir: string, path: string, content: string, mode = 0o644): void {
  const target = join(dir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  chmodSync(target, mode);
}

export const TRAIN_PY = [
  "import torch",
  "",
  "DEPTH = 8",
  "MATRIX_LR = 0.04",
  "",
  "def train():",
  "    pass",
  "",
  "WARMUP = 0.0",
  "WEIGHT_DECAY = 0.2",
  "",
].join("\n");
export const RUN_SH = "#!/bin/sh\npython train.py\n";

export interface UserRepo {
  dir: string;
  base: string;
  branch: string;
  /** What the user's repository looks like now; compare with a later call. */
  snapshot: () => UserState;
}

export interface UserState {
  status: string;
  diff: string;
  cached: string;
  stages: string;
  head: string;
  branch: string;
  files: Record<string, string>;
}

/**
 * A repository with one commit on `branch` and uncommitted user work on top: a staged edit
 * (notes.md), an unstaged edit of a file the forge will change (train.py) and an untracked file.
 */
export function makeUserRepo(branch = "main"): UserRepo {
  const dir = tempDir("autoopt-repo-");
  git(dir, "init", "-q", "-b", branch);
  write(dir, "train.py", TRAIN_PY);
  write(dir, "run.sh", RUN_SH, 0o755);
  write(dir, "notes.md", "# notes\n");
  write(dir, "sub/lib.py", "SCALE = 2\n");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "base");
  const base = git(dir, "rev-parse", "HEAD");
  write(dir, "notes.md", "# notes\nstaged by the user\n");
  git(dir, "add", "notes.md");
  write(dir, "notes.md", "# notes\nstaged by the user\nand edited again\n");
  write(dir, "train.py", `${TRAIN_PY}# the user's unstaged edit\n`);
  write(dir, "scratch.txt", "untracked\n");
  // Fixed diff options, so a test that changes the repository's diff settings compares like with like.
  const plainDiff = ["--no-ext-diff", "--no-color", "-U3", "--src-prefix=a/", "--dst-prefix=b/"];
  const snapshot = (): UserState => ({
    status: gitRaw(dir, "status", "--porcelain=v2", "--branch", "--untracked-files=all"),
    diff: gitRaw(dir, "diff", ...plainDiff),
    cached: gitRaw(dir, "diff", "--cached", ...plainDiff),
    stages: gitRaw(dir, "ls-files", "--stage"),
    head: git(dir, "rev-parse", "HEAD"),
    branch: git(dir, "symbolic-ref", "HEAD"),
    files: Object.fromEntries(
      ["train.py", "run.sh", "notes.md", "sub/lib.py", "scratch.txt"].map((p) => [
        p,
        readFileSync(join(dir, p), "utf8"),
      ]),
    ),
  });
  return { dir, base, branch, snapshot };
}
