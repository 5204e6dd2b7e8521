import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com"];

/** A real git repository in a temp folder with the given files committed on `main`. */
export function tempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "autoopt-test-"));
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  execFileSync("git", ["add", "-A"], { cwd: dir });
  execFileSync("git", [...IDENTITY, "commit", "-qm", "initial"], { cwd: dir });
  return dir;
}

export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8" });
}

/** A training script whose score has a known optimum at X = 3, Y = 0.5, and that takes `sleep` seconds. */
export function quadraticTrainPy(sleep = 0.05): string {
  return `import time
X = 1
Y = 0.2
time.sleep(${sleep})
print("---")
print(f"score:   {(X - 3) ** 2 + (Y - 0.5) ** 2 + 1:.6f}")
`;
}

export function config(extra = ""): string {
  return `version: 1
editable: [train.py]
run: { command: python3 train.py, budget: 10s, grace: 5s }
metric: { name: score, goal: minimize }
${extra}
`;
}
