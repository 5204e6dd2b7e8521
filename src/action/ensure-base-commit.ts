import { type GitRepo, runGit } from "../runner/git-cli.ts";
import { ActionError } from "./action-error.ts";

/**
 * Makes sure the trusted base commit is in the checkout. actions/checkout fetches one commit by
 * default, so the base (the ratchet head the candidate was proposed against) is usually missing
 * and is fetched from origin, by SHA, on its own.
 */
export async function ensureBaseCommit(
  repo: GitRepo,
  baseSha: string,
  log: (message: string) => void,
  token?: string,
): Promise<void> {
  if (await hasCommit(repo, baseSha)) return;
  log(`base ${baseSha} is not in the checkout; fetching it from origin`);
  let fetchError: unknown;
  try {
    // The token goes on this one command line as actions/checkout would put it in .git/config,
    // so nothing the candidate can read (the checkout keeps no credentials) ever holds it.
    const auth = token ? ["-c", `http.extraheader=AUTHORIZATION: basic ${basicAuth(token)}`] : [];
    await runGit(repo, [...auth, "fetch", "--no-tags", "--depth=1", "origin", baseSha]);
  } catch (error) {
    fetchError = error;
  }
  if (await hasCommit(repo, baseSha)) return;
  const why = fetchError instanceof Error ? ` (${firstLine(fetchError.message)})` : "";
  throw new ActionError(
    `base SHA ${baseSha} does not exist in this repository: it is not in the checkout and \`git fetch origin ${baseSha}\` did not bring it${why}. Pass the full SHA of a pushed commit as \`base-sha\` (the ratchet head the App dispatched); check that the \`token\` input (by default the job's GITHUB_TOKEN, with \`contents: read\`) can read the repository`,
    { cause: fetchError },
  );
}

function basicAuth(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString("base64");
}

async function hasCommit(repo: GitRepo, sha: string): Promise<boolean> {
  try {
    await runGit(repo, ["cat-file", "-e", `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? text;
}
