export { COMPARE_FILE_LIMIT, changedPaths } from "./changed-paths.ts";
export { GitHubApi, type GitHubApiOptions, type GitHubRequest } from "./github-api.ts";
export { GitHubApiError } from "./github-api-error.ts";
export type { GitHubClient } from "./github-client.ts";
export { GitHubForge, type GitHubForgeOptions } from "./github-forge.ts";
export {
  LEDGER_FILES,
  LedgerBranch,
  type LedgerBranchOptions,
  type LedgerRender,
} from "./ledger-branch.ts";
export { type SessionRefs, sessionRefs } from "./session-refs.ts";
