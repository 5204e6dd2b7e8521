import type { Config, Goal } from "../config/index.ts";

/** The numbers the core decides with; taken from the config and any command-line overrides. */
export interface Settings {
  metric: { name: string; goal: Goal };
  budget_s: number;
  min_delta: number;
  baseline_repeats: number;
  noise_sigmas: number;
  confirm: number;
  max_experiments: number;
  max_hours: number;
  parallel: number;
  plateau?: number;
  seed: number;
  /** The proposer's token cap for the whole session. */
  max_tokens?: number;
}

export function settingsFromConfig(config: Config): Settings {
  return {
    metric: { name: config.metric.name, goal: config.metric.goal },
    budget_s: config.run.budget,
    min_delta: config.ratchet.min_delta,
    baseline_repeats: config.ratchet.baseline_repeats,
    noise_sigmas: config.ratchet.noise_sigmas,
    confirm: config.ratchet.confirm,
    max_experiments: config.session.max_experiments,
    max_hours: config.session.max_hours,
    parallel: config.session.parallel,
    ...(config.session.plateau === undefined ? {} : { plateau: config.session.plateau }),
    seed: config.session.seed,
    ...(config.proposer.kind === "llm" && config.proposer.max_tokens_per_session !== undefined
      ? { max_tokens: config.proposer.max_tokens_per_session }
      : {}),
  };
}
