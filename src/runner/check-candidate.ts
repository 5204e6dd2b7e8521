import picomatch from "picomatch";
import type { Config } from "../config/index.ts";
import {
  type GitRepo,
  listTree,
  resolveCommits,
  runGit,
  splitNul,
  type TreeEntry,
} from "./git-cli.ts";

export type CandidateCheck =
  | { ok: true; changed: string[] }
  | { ok: false; reason: string; changed: string[] };

const SHOWN_PROBLEMS = 5;

/**
 * Decides whether the candidate only touches what the proposer may touch. The answer is a
 * value, not an exception: a candidate that breaks the rules is an `invalid` run. A base or
 * candidate commit that the repository lacks, or a workdir at another commit, is a caller's
 * mistake and throws.
 */
export async function checkCandidate(
  repo: GitRepo,
  config: Config,
  baseSha: string,
  candidateSha: string,
): Promise<CandidateCheck> {
  const { base, candidate } = await resolveShas(repo, baseSha, candidateSha);
  if (base === candidate) return { ok: true, changed: [] };
  // Plumbing: porcelain diff follows the repository's diff settings (renames, external tools).
  const [diff, tree] = await Promise.all([
    runGit(repo, ["diff-tree", "-r", "--name-only", "-z", base, candidate]),
    listTree(repo, candidate),
  ]);
  const changed = splitNul(diff);
  const entries = new Map(tree.map((e) => [e.path, e]));
  const judge = pathJudge(config);
  const problems = changed.flatMap((path) => {
    const problem = judge(path, entries.get(path));
    return problem ? [problem] : [];
  });
  if (problems.length === 0) return { ok: true, changed };
  const shown = problems.slice(0, SHOWN_PROBLEMS).join("; ");
  const more =
    problems.length > SHOWN_PROBLEMS ? `; and ${problems.length - SHOWN_PROBLEMS} more` : "";
  return { ok: false, reason: `the candidate changes what it may not: ${shown}${more}`, changed };
}

async function resolveShas(repo: GitRepo, baseSha: string, candidateSha: string) {
  const [base, candidate, head] = await resolveCommits(repo, [baseSha, candidateSha, "HEAD"]);
  if (!base) {
    throw new Error(
      `base commit ${baseSha} does not exist in ${repo.dir}; fetch it first (on GitHub: actions/checkout with fetch-depth: 0) or pass the right baseSha`,
    );
  }
  if (!candidate) throw new Error(`candidate commit ${candidateSha} does not exist in ${repo.dir}`);
  // Running whatever else is checked out would record someone else's code under this candidate.
  if (head !== candidate) {
    throw new Error(
      `${repo.dir} has ${head ?? "no commit"} checked out, not the candidate ${candidateSha}; check the candidate out before running it`,
    );
  }
  return { base, candidate };
}

/** What is wrong with one changed path, or undefined when the change is allowed. */
function pathJudge(
  config: Config,
): (path: string, entry: TreeEntry | undefined) => string | undefined {
  const isEditable = picomatch(config.editable, { dot: true });
  const isLocked = config.locked.length > 0 ? picomatch(config.locked, { dot: true }) : () => false;
  return (path, entry) => {
    // Lower-cased because a case-insensitive checkout (macOS) would write `.GitHub/` into `.github/`.
    if (path.toLowerCase().startsWith(".github/"))
      return `${path} is under .github/, which autoopt never changes`;
    if (isLocked(path)) return `${path} is locked (restored from the base before every run)`;
    if (!isEditable(path))
      return `${path} is not editable (editable: ${config.editable.join(", ")})`;
    if (entry?.mode === "120000")
      return `${path} is a symlink, which could point a run outside its files`;
    if (entry?.mode === "160000") return `${path} is a submodule, whose code autoopt cannot check`;
    return undefined;
  };
}
