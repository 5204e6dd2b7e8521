import { gitEnv as buildGitEnv, GitError, type GitVars, gitBuffer } from "../git/index.ts";

/**
 * A repository the runner reads with the git CLI, and the environment git runs with. `gitDir`,
 * once pinned by openGitRepo, is the repository every later call uses, whatever `dir/.git`
 * says by then.
 */
export interface GitRepo {
  dir: string;
  env: Record<string, string>;
  gitDir?: string;
}

/** One line of `git ls-tree -r`. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

/** Git gets only what it needs from the parent; see the git wrapper's gitEnv. */
export function gitEnv(
  parentEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return buildGitEnv(parentEnv);
}

/**
 * The repository of a checkout, with its git dir resolved now, before any candidate code has
 * run in it: a run may rewrite the checkout's `.git` file to lead to a repository (config,
 * attributes, replacement objects) of its own.
 */
export async function openGitRepo(
  dir: string,
  parentEnv: Readonly<Record<string, string | undefined>>,
): Promise<GitRepo> {
  const repo: GitRepo = { dir, env: gitEnv(parentEnv) };
  const gitDir = (await runGit(repo, ["rev-parse", "--absolute-git-dir"])).toString("utf8").trim();
  return { ...repo, gitDir };
}

/** Runs git in the repository and returns its raw stdout; a failure throws with git's stderr. */
export function runGit(repo: GitRepo, args: readonly string[], input?: string): Promise<Buffer> {
  return gitBuffer(args, {
    cwd: repo.dir,
    ...(input === undefined ? {} : { input }),
    // repo.env is already gitEnv's; the git variables in it are the ones autoopt added.
    env: repo.env,
    vars: ownVars(repo.env),
    ...(repo.gitDir ? { gitDir: repo.gitDir } : {}),
  });
}

function ownVars(env: Record<string, string>): GitVars {
  const vars: GitVars = {};
  if (env.GIT_INDEX_FILE !== undefined) vars.GIT_INDEX_FILE = env.GIT_INDEX_FILE;
  return vars;
}

/** The full SHA of a commit, or undefined when the repository does not have it. */
export async function resolveCommit(repo: GitRepo, rev: string): Promise<string | undefined> {
  try {
    const out = await runGit(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
    return out.toString("utf8").trim();
  } catch (error) {
    // --verify --quiet exits 1, silently, exactly when the object is missing; anything else is real.
    if (error instanceof GitError && error.exitCode === 1) return undefined;
    throw error;
  }
}

/**
 * The full SHA of each commit (undefined where the repository lacks it), asked of one git
 * process: these look-ups sit on the path to every run's start.
 */
export async function resolveCommits(
  repo: GitRepo,
  revs: readonly string[],
): Promise<Array<string | undefined>> {
  if (revs.some((rev) => /[\r\n]/.test(rev)))
    throw new Error("a revision cannot hold a line break");
  const out = await runGit(
    repo,
    ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
    revs.map((rev) => `${rev}^{commit}\n`).join(""),
  );
  const lines = out.toString("utf8").split("\n");
  // Each answer is `<sha> commit`, or `<rev> missing` / `ambiguous` for one it cannot find.
  return revs.map((_, i) => {
    const [sha, type] = (lines[i] ?? "").split(" ");
    return type === "commit" ? sha : undefined;
  });
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
