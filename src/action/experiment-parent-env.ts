import type { Config } from "../config/index.ts";

type Env = Readonly<Record<string, string | undefined>>;

// What the runner gives this step to talk to GitHub, and the step's own inputs. The runner's
// allow-list keeps them from the experiment already; this also overrules run.pass_env.
const isRunnerSecret = (name: string) =>
  name.startsWith("ACTIONS_") || name.startsWith("INPUT_") || name === "GITHUB_TOKEN";

/**
 * The environment handed to runExperiment as its parent: the step's own, less the runner's
 * credentials, even where run.pass_env names them. `refused` lists the pass_env names dropped.
 */
export function experimentParentEnv(env: Env, config: Config): { env: Env; refused: string[] } {
  const kept: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!isRunnerSecret(name)) kept[name] = value;
  }
  const refused = config.run.pass_env.filter(isRunnerSecret);
  return { env: kept, refused };
}
