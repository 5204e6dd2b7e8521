import { appendFile, mkdir, readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { git } from "../../git/index.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The repository's top-level folder; a clear error outside a git repository. */
export async function repoRoot(dir: string, env: Env): Promise<string> {
  try {
    return (await git(["rev-parse", "--show-toplevel"], { cwd: dir, env })).trim();
  } catch (error) {
    throw new Error(
      `${dir} is not inside a git repository; run \`git init\` and commit your files first`,
      {
        cause: error,
      },
    );
  }
}

export async function headSha(repo: string, env: Env): Promise<string> {
  try {
    return (await git(["rev-parse", "--verify", "HEAD^{commit}"], { cwd: repo, env })).trim();
  } catch (error) {
    throw new Error("the repository has no commits yet; commit your files, then start a session", {
      cause: error,
    });
  }
}

/**
 * A session starts from the last commit, so uncommitted edits to tracked files would silently be
 * left out: refuse, and name them. Paths the session needs must be committed too.
 */
export async function assertCleanForSession(
  repo: string,
  required: readonly string[],
  env: Env,
): Promise<void> {
  const status = await git(["status", "--porcelain", "--untracked-files=no"], { cwd: repo, env });
  const dirty = status
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(3));
  if (dirty.length > 0) {
    throw new Error(
      `the working tree has uncommitted changes (${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? ", …" : ""}); a session runs from the last commit — commit or stash them first`,
    );
  }
  const tracked = new Set((await git(["ls-files", "-z"], { cwd: repo, env })).split("\0"));
  const missing = required.filter((p) => !tracked.has(p));
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not committed; \`git add\` and commit, then start again`,
    );
  }
}

/** Keeps `.autoopt/` out of git without editing the user's .gitignore. */
export async function ignoreArchive(repo: string, env: Env): Promise<void> {
  let common = (await git(["rev-parse", "--git-common-dir"], { cwd: repo, env })).trim();
  if (!isAbsolute(common)) common = join(repo, common);
  const exclude = join(common, "info", "exclude");
  const text = await readFile(exclude, "utf8").catch(() => "");
  if (!text.split("\n").includes("/.autoopt/")) {
    await mkdir(join(common, "info"), { recursive: true });
    await appendFile(exclude, `${text && !text.endsWith("\n") ? "\n" : ""}/.autoopt/\n`);
  }
}
