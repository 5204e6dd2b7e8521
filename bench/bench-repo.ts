// Pieces the benchmarks share: a throwaway repository with one commit, and the commit measured.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes `files` into `dir`, makes it a repository on `main` with one commit, and returns its sha. */
export function commitBenchRepo(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "bench");
  return git("rev-parse", "HEAD");
}

/** The commit measured, and whether src/ had uncommitted changes (figures depend on src/). */
export function revision(): string {
  try {
    const git = (args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();
    const dirty =
      git(["status", "--porcelain", "--", "src"]) === ""
        ? ""
        : ", with uncommitted changes to src/";
    return `commit ${git(["rev-parse", "--short", "HEAD"])}${dirty}`;
  } catch {
    return "a tree outside git";
  }
}
