// What both demos do first: copy an example's files into a fresh temporary git repository.
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GitVars, git } from "../src/git/index.ts";

/** A new temporary directory holding `files` of `example`; commit them with `commitExample`. */
export function copyExample(example: string, files: readonly string[], prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const file of files) cpSync(join(example, file), join(dir, file));
  return dir;
}

/** Makes `dir` a git repository on `main` with everything in it committed. */
export async function commitExample(dir: string, message: string): Promise<void> {
  const run = (args: string[]) => git(args, { cwd: dir, env: process.env, vars: DEMO_IDENTITY });
  await run(["init", "-q", "-b", "main"]);
  await run(["add", "-A"]);
  await run(["commit", "-qm", message]);
}

const DEMO_IDENTITY: GitVars = {
  GIT_AUTHOR_NAME: "autoopt demo",
  GIT_AUTHOR_EMAIL: "demo@example.com",
  GIT_COMMITTER_NAME: "autoopt demo",
  GIT_COMMITTER_EMAIL: "demo@example.com",
};
