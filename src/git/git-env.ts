import { devNull } from "node:os";

export type Env = Readonly<Record<string, string | undefined>>;

/** The git variables autoopt itself sets for a call: a private index, the commit identity. */
export type GitVars = Partial<
  Record<
    | "GIT_INDEX_FILE"
    | "GIT_AUTHOR_NAME"
    | "GIT_AUTHOR_EMAIL"
    | "GIT_AUTHOR_DATE"
    | "GIT_COMMITTER_NAME"
    | "GIT_COMMITTER_EMAIL"
    | "GIT_COMMITTER_DATE",
    string
  >
>;

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * The whole environment of a git call, built from scratch: only PATH comes from the parent.
 * Anything else git reads from its environment can redirect or run code: GIT_DIR and
 * GIT_INDEX_FILE (set inside hooks) point it at another repository, GIT_CONFIG_COUNT and
 * GIT_CONFIG_PARAMETERS inject config, GIT_SSH_COMMAND, GIT_ASKPASS, GIT_EXTERNAL_DIFF and
 * GIT_EXEC_PATH name programs, and HOME leads to a ~/.gitconfig the run may have written.
 */
export function gitEnv(parentEnv: Env, vars: GitVars = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: parentEnv.PATH ?? DEFAULT_PATH,
    LC_ALL: "C",
    // A directory that can never exist: no ~/.gitconfig, ~/.config/git/* or ~/.git-credentials.
    HOME: devNull,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: devNull,
    GIT_ATTR_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    // refs/replace/ would let a repository serve other content under the base's object ids.
    GIT_NO_REPLACE_OBJECTS: "1",
  };
  for (const [name, value] of Object.entries(vars)) if (value !== undefined) env[name] = value;
  return env;
}
