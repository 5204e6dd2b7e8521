import { createHash } from "node:crypto";
import {
  chmod,
  mkdir,
  readFile,
  readlink,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import picomatch from "picomatch";
import type { Config } from "../config/index.ts";
import { type GitRepo, listTree, runGit, type TreeEntry } from "./git-cli.ts";

export type LockedRestore =
  | { ok: true; hashes: Record<string, string> }
  | { ok: false; reason: string; hashes: Record<string, string> };

/**
 * Writes every locked file of the base commit into the workdir, whatever is there now, and
 * checks what landed on disk against the base blob. Called before the command and again before
 * the evaluator, since the command itself may have rewritten the evaluator.
 */
export async function restoreLockedFiles(
  repo: GitRepo,
  config: Config,
  baseSha: string,
  /** The tree to restore into, when it is not the repository's own checkout. */
  target: string = repo.dir,
): Promise<LockedRestore> {
  const hashes: Record<string, string> = {};
  if (config.locked.length === 0) return { ok: true, hashes };
  const isLocked = picomatch(config.locked, { dot: true });
  const entries = (await listTree(repo, baseSha)).filter(
    (e) => e.type === "blob" && isLocked(e.path),
  );
  const root = await realpath(target);
  for (const entry of entries) {
    const content = await runGit(repo, ["cat-file", "blob", entry.oid]);
    const expected = sha256(content);
    const problem = await restoreOne(root, entry, content, expected);
    if (problem) return { ok: false, reason: problem, hashes };
    hashes[entry.path] = expected;
  }
  return { ok: true, hashes };
}

async function restoreOne(
  root: string,
  entry: TreeEntry,
  content: Buffer,
  expected: string,
): Promise<string | undefined> {
  const target = join(root, entry.path);
  try {
    await mkdir(dirname(target), { recursive: true });
    // A run may have swapped a directory for a symlink; writing through it would land outside.
    const dir = await realpath(dirname(target));
    if (dir !== root && !dir.startsWith(root + sep)) {
      return `locked file ${entry.path} sits in a directory that leads outside the workdir (${dir}); refusing to write there`;
    }
    await rm(target, { recursive: true, force: true });
    const actual = await writeEntry(target, entry.mode, content);
    const got = sha256(actual);
    if (got !== expected) {
      return `locked file ${entry.path} does not match the base after restoring it (sha256 ${got}, base ${expected})`;
    }
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `could not restore locked file ${entry.path}: ${message}`;
  }
}

/** Writes the blob the way git would check it out and returns what is on disk afterwards. */
async function writeEntry(target: string, mode: string, content: Buffer): Promise<Buffer> {
  if (mode === "120000") {
    await symlink(content.toString("utf8"), target);
    return Buffer.from(await readlink(target), "utf8");
  }
  const fileMode = mode === "100755" ? 0o755 : 0o644;
  await writeFile(target, content, { mode: fileMode });
  // The umask applies at creation; chmod makes the executable bit exactly the base's.
  await chmod(target, fileMode);
  return readFile(target);
}

export function sha256(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}
