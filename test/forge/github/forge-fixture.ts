import { GitHubForge, type GitHubRequest, sessionRefs } from "../../../src/forge/github/index.ts";
import { octokit } from "./github-mock.ts";
import { OWNER, REPO } from "./github-shapes.ts";

export const SESSION = "nov27";
export const refs = sessionRefs(SESSION);

/** A forge for session nov27 of the mocked repository. */
export function forge(onRequest?: (request: GitHubRequest) => void): GitHubForge {
  return new GitHubForge({
    octokit: octokit(),
    owner: OWNER,
    repo: REPO,
    session: SESSION,
    ...(onRequest === undefined ? {} : { onRequest }),
  });
}
