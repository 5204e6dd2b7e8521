import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Config, type ConfigInput } from "../../src/config/index.ts";
import type { RunOptions } from "../../src/runner/index.ts";
import { testSandbox } from "../helpers/sandbox.ts";

/** A file in a fixture commit: text, an executable script, a symlink, or null to delete it. */
export type FileSpec = string | { script: string } | { symlink: string } | null;

export interface FixtureRepo {
  dir: string;
  baseSha: string;
  candidateSha: string;
}

const temps: string[] = [];

export function tempDir(prefix = "autoopt-runner-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** For afterAll: removes every directory tempDir made. */
export function removeTempDirs(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// Without GIT_* from the outside (a hook's GIT_DIR would redirect every command).
const gitProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith("GIT_")),
);

export function git(dir: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=autoopt test",
      "-c",
      "user.email=test@example.com",
      "-c",
      "commit.gpgsign=false",
      ...args,
    ],
    { cwd: dir, env: gitProcessEnv, encoding: "utf8" },
  ).trim();
}

function writeFiles(dir: string, files: Record<string, FileSpec>): void {
  for (const [path, spec] of Object.entries(files)) {
    const target = join(dir, path);
    rmSync(target, { force: true, recursive: true });
    if (spec === null) continue;
    mkdirSync(dirname(target), { recursive: true });
    if (typeof spec === "string") writeFileSync(target, spec);
    else if ("script" in spec) writeFileSync(target, spec.script, { mode: 0o755 });
    else symlinkSync(spec.symlink, target);
  }
}

/**
 * A repository with a base commit and, on top of it, a candidate commit that applies
 * `candidate`; the candidate is checked out. Without `candidate` both SHAs are the base.
 */
export function makeRepo(
  base: Record<string, FileSpec>,
  candidate?: Record<string, FileSpec>,
): FixtureRepo {
  const dir = tempDir("autoopt-repo-");
  git(dir, "init", "-q", "-b", "main");
  writeFiles(dir, base);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  const baseSha = git(dir, "rev-parse", "HEAD");
  if (!candidate) return { dir, baseSha, candidateSha: baseSha };
  writeFiles(dir, candidate);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "--allow-empty", "-m", "candidate");
  return { dir, baseSha, candidateSha: git(dir, "rev-parse", "HEAD") };
}

type RunInput = Partial<NonNullable<ConfigInput["run"]>>;

/** A train-mode config: `train.sh` editable, `prepare.py` locked, val_bpb minimized. */
export function makeConfig(
  run: RunInput = {},
  rest: Partial<Omit<ConfigInput, "run">> = {},
): Config {
  return Config.parse({
    version: 1,
    editable: ["train.sh", "src/**"],
    locked: ["prepare.py", "eval.sh"],
    metric: { name: "val_bpb", goal: "minimize" },
    ...rest,
    run: { command: "sh train.sh", budget: 20, grace: 5, ...run },
  });
}

/** The PATH a test run sees: the system's, with this node first so `node` means the same binary. */
export const testPath = `${dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`;

export function makeOptions(
  repo: FixtureRepo,
  config: Config,
  extra: Partial<RunOptions> = {},
): RunOptions {
  return {
    workdir: repo.dir,
    archiveDir: join(tempDir("autoopt-archive-"), "exp-1"),
    config,
    session: "s1",
    experiment: "exp-1",
    candidateSha: repo.candidateSha,
    baseSha: repo.baseSha,
    seed: 7,
    split: "search",
    parentEnv: { PATH: testPath, HOME: process.env.HOME },
    runner: { name: "test", os: process.platform, labels: [] },
    sandbox: testSandbox,
    hide: [],
    ...extra,
  };
}

/** Whether a process is still running; a zombie waiting to be reaped counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], {
      encoding: "utf8",
    }).trim();
    return stat !== "" && !stat.startsWith("Z");
  } catch {
    return false;
  }
}

/** Live, non-zombie members of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,pgid=,stat="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, stat]) => Number(group) === pgid && !stat?.startsWith("Z"))
    .map(([pid]) => Number(pid));
}
