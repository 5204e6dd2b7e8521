import { type Config, ConfigError, loadConfig } from "../config/index.ts";
import { type GitRepo, runGit } from "../runner/git-cli.ts";
import { ActionError } from "./action-error.ts";

/**
 * Reads autoopt.yml from the base commit, not from the workspace: the workspace is the candidate,
 * and a candidate must not choose its own evaluator, locked files or budget. `budgetS`, the
 * `budget` input, replaces run.budget.
 */
export async function loadActionConfig(
  repo: GitRepo,
  baseSha: string,
  path: string,
  budgetS?: number,
): Promise<Config> {
  const file = path.replace(/^\.\//, "");
  let text: string;
  try {
    text = (await runGit(repo, ["show", `${baseSha}:${file}`])).toString("utf8");
  } catch (error) {
    throw new ActionError(
      `config file ${file} does not exist at the base commit ${baseSha}: commit autoopt.yml there (\`autoopt init\` writes one) or set the \`config\` input to its path relative to the repository root`,
      { cause: error },
    );
  }
  let config: Config;
  try {
    config = loadConfig(text, file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ActionError(
      `${error.message}\nFix ${file} on the base branch (the config is read from base commit ${baseSha}) and re-run.`,
      { cause: error },
    );
  }
  return budgetS === undefined ? config : { ...config, run: { ...config.run, budget: budgetS } };
}
