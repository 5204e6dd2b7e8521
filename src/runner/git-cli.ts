import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** A repository the runner reads with the git CLI, and the environment git runs with. */
export interface GitRepo {
  dir: string;
  env: Record<string, string>;
}

/** One line of `git ls-tree -r`. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

/**
 * Git gets only what it needs: an inherited GIT_DIR or GIT_INDEX_FILE (set inside git hooks)
 * would silently point it at another repository.
 */
export function gitEnv(
  parentEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: parentEnv.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
  };
  for (const name of ["HOME", "XDG_CONFIG_HOME"]) {
    const value = parentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Runs git in the repository and returns its raw stdout; a failure throws with git's stderr. */
export async function runGit(repo: GitRepo, args: readonly string[]): Promise<Buffer> {
  try {
    const { stdout } = await execFileAsync("git", args, {
      cwd: repo.dir,
      env: repo.env,
      encoding: "buffer",
      // Locked files and trees of large repositories easily pass the 1 MiB default.
      maxBuffer: 1024 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const stderr = stderrOf(error);
    throw new Error(`git ${args.join(" ")} failed in ${repo.dir}${stderr ? `: ${stderr}` : ""}`, {
      cause: error,
    });
  }
}

/** The full SHA of a commit, or undefined when the repository does not have it. */
export async function resolveCommit(repo: GitRepo, rev: string): Promise<string | undefined> {
  try {
    const out = await runGit(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
    return out.toString("utf8").trim();
  } catch (error) {
    // --verify --quiet exits 1, silently, exactly when the object is missing; anything else is real.
    if (exitCodeOf(error) === 1) return undefined;
    throw error;
  }
}

/** Every file of a commit, with its mode (120000 symlink, 160000 submodule). */
export async function listTree(repo: GitRepo, rev: string): Promise<TreeEntry[]> {
  const out = await runGit(repo, ["ls-tree", "-r", "-z", "--full-tree", rev]);
  return splitNul(out).map((line) => {
    const tab = line.indexOf("\t");
    const [mode = "", type = "", oid = ""] = line.slice(0, tab).split(" ");
    return { mode, type, oid, path: line.slice(tab + 1) };
  });
}

/** Splits `-z` output; paths are taken verbatim, no quoting to undo. */
export function splitNul(out: Buffer): string[] {
  return out
    .toString("utf8")
    .split("\0")
    .filter((part) => part.length > 0);
}

function stderrOf(error: unknown): string {
  if (error instanceof Error && "stderr" in error) {
    const stderr = error.stderr;
    if (Buffer.isBuffer(stderr) || typeof stderr === "string") return stderr.toString().trim();
  }
  return error instanceof Error ? error.message : String(error);
}

function exitCodeOf(error: unknown): unknown {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error && "code" in cause ? cause.code : undefined;
}
