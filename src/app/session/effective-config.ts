import { Config } from "../../config/index.ts";
import type { StartCommand } from "../commands/command.ts";

/** The config a session runs with: the repository's, with the options of `/autoopt start` on top. */
export function effectiveConfig(config: Config, command: StartCommand): Config {
  return {
    ...config,
    ...(command.mode === undefined ? {} : { mode: command.mode }),
    run: {
      ...config.run,
      ...(command.budget_s === undefined ? {} : { budget: command.budget_s }),
    },
    session: {
      ...config.session,
      ...(command.max_experiments === undefined
        ? {}
        : { max_experiments: command.max_experiments }),
      ...(command.parallel === undefined ? {} : { parallel: command.parallel }),
    },
  };
}

/** The config recorded in a session's ledger, validated again: the ledger is data from GitHub. */
export function recordedConfig(value: unknown, session: string): Config {
  if (value === undefined) {
    throw new Error(
      `session ${session} has no config in its ledger: it was not started by the autoopt App, so the App leaves it alone`,
    );
  }
  const parsed = Config.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `the config recorded in session ${session}'s ledger is not valid (${issue?.path.join(".")}: ${issue?.message}); stop the session and start a new one`,
    { cause: parsed.error },
  );
}
