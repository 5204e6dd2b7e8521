export { GitError, type GitOptions, git, gitBuffer } from "./git.ts";
export { type Env, type GitVars, gitEnv } from "./git-env.ts";
export { AUTOOPT_IDENTITY } from "./identity.ts";
