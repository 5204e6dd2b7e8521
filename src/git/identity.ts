import type { GitVars } from "./git-env.ts";

/** Identity for commits autoopt makes, so they work in repositories without user.name set. */
export const AUTOOPT_IDENTITY: GitVars = {
  GIT_AUTHOR_NAME: "autoopt",
  GIT_AUTHOR_EMAIL: "autoopt@users.noreply.github.com",
  GIT_COMMITTER_NAME: "autoopt",
  GIT_COMMITTER_EMAIL: "autoopt@users.noreply.github.com",
};
