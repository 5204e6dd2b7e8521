export { AUTOOPT_IDENTITY, GitError, git } from "../../git/index.ts";
export { LocalForge } from "./local-forge.ts";
export { assertCleanForSession, headSha, ignoreArchive, repoRoot } from "./repo-checks.ts";
export { addWorktree, removeWorktree } from "./worktree.ts";
