import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Config } from "../../src/config/index.ts";

const temps: string[] = [];

export function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A user's repository that a run has had its hands on, and where its payloads leave traces. */
export interface AttackRepo {
  dir: string;
  base: string;
  /** Each payload touches a file named after itself here when it runs. */
  markers: string;
  /** An empty HOME of the test's own, so the developer's config plays no part. */
  home: string;
  /** The parent environment autoopt is handed. */
  env: Record<string, string>;
}

/** A repository with `train.py` (editable) and `prepare.py` (locked) committed on `main`. */
export function attackRepo(files: Record<string, string> = {}): AttackRepo {
  const dir = tempDir("autoopt-git-attack-");
  const markers = tempDir("autoopt-git-markers-");
  const home = tempDir("autoopt-git-home-");
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
  const repo = { dir, base: "", markers, home, env };
  plainGit(repo, "init", "-q", "-b", "main");
  const all = { "train.py": "X = 1\n", "prepare.py": "print('trusted')\n", ...files };
  for (const [path, content] of Object.entries(all)) write(dir, path, content);
  plainGit(repo, "add", "-A");
  plainGit(repo, "commit", "-q", "-m", "base");
  repo.base = plainGit(repo, "rev-parse", "HEAD");
  return repo;
}

/**
 * git as a user's shell runs it, with the repository's, the user's and the environment's config:
 * what shows that a payload is live before autoopt's own call is shown to ignore it.
 */
export function plainGit(repo: Pick<AttackRepo, "dir" | "env">, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args],
    { cwd: repo.dir, env: repo.env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  ).trim();
}

/** A shell command that leaves the marker `name`, then does what `then` says (a filter: cat). */
export function payload(repo: AttackRepo, name: string, then = "exit 0"): string {
  return `touch '${join(repo.markers, name)}'; ${then}`;
}

/** An executable hook (or any script) at `path` that leaves the marker `name`. */
export function script(repo: AttackRepo, path: string, name: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${payload(repo, name)}\n`);
  chmodSync(path, 0o755);
}

export function markersLeft(repo: AttackRepo): string[] {
  return readdirSync(repo.markers).sort();
}

export function clearMarkers(repo: AttackRepo): void {
  for (const name of readdirSync(repo.markers)) rmSync(join(repo.markers, name));
}

export function write(dir: string, path: string, content: string): void {
  const target = join(dir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}

/** The config the attacks run under: train.py editable, prepare.py locked. */
export const attackConfig = Config.parse({
  version: 1,
  editable: ["train.py"],
  locked: ["prepare.py"],
  run: { command: "python3 train.py", budget: 10, grace: 5 },
  metric: { name: "score", goal: "minimize" },
});
