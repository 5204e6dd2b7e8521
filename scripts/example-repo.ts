// What both demos do first: copy an example's files into a fresh temporary git repository.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A new temporary directory holding `files` of `example`; commit them with `commitExample`. */
export function copyExample(example: string, files: readonly string[], prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const file of files) cpSync(join(example, file), join(dir, file));
  return dir;
}

/** Makes `dir` a git repository on `main` with everything in it committed. */
export function commitExample(dir: string, message: string): void {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git(
    "-c",
    "user.name=autoopt demo",
    "-c",
    "user.email=demo@example.com",
    "commit",
    "-qm",
    message,
  );
}
