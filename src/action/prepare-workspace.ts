import { join } from "node:path";
import type { Config } from "../config/index.ts";
import { type GitRepo, gitEnv, resolveCommit } from "../runner/git-cli.ts";
import { ActionError } from "./action-error.ts";
import { ensureBaseCommit } from "./ensure-base-commit.ts";
import type { ActionInputs } from "./inputs.ts";
import { loadActionConfig } from "./load-action-config.ts";

type Env = Readonly<Record<string, string | undefined>>;

export interface Workspace {
  repo: GitRepo;
  candidateSha: string;
  config: Config;
  /** `$RUNNER_TEMP/autoopt`, under which each run gets `<session>/<experiment>/`. */
  tempRoot: string;
}

/**
 * Checks the job is set up to run an experiment: the workspace is a checkout (its HEAD is the
 * candidate), the base commit is there (fetched if need be), and the base's config parses.
 */
export async function prepareWorkspace(
  env: Env,
  inputs: ActionInputs,
  log: (message: string) => void,
): Promise<Workspace> {
  const workspace = required(env, "GITHUB_WORKSPACE");
  const tempRoot = join(required(env, "RUNNER_TEMP"), "autoopt");
  const repo: GitRepo = { dir: workspace, env: gitEnv(env) };
  const candidateSha = await headOf(repo);
  await ensureBaseCommit(repo, inputs["base-sha"], log, inputs.token);
  const config = await loadActionConfig(repo, inputs["base-sha"], inputs.config, inputs.budget);
  return { repo, candidateSha, config, tempRoot };
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) {
    throw new ActionError(
      `${name} is not set: this action runs only as a step of a GitHub Actions job (uses: autoopt/autoopt@v1), not from a plain \`run:\` step or a shell`,
    );
  }
  return value;
}

async function headOf(repo: GitRepo): Promise<string> {
  let head: string | undefined;
  let cause: unknown;
  try {
    head = await resolveCommit(repo, "HEAD");
  } catch (error) {
    cause = error;
  }
  if (head) return head;
  throw new ActionError(
    `the workspace ${repo.dir} is not a git checkout of the candidate: add \`- uses: actions/checkout@v5\` with \`ref: <candidate sha>\` before this step`,
    { cause },
  );
}
