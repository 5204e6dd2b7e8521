import type { Config, Goal } from "../config/index.ts";

/** A further objective: reported by every run, on the Pareto frontier, optionally a constraint. */
export interface ObjectiveSpec {
  name: string;
  goal: Goal;
  /** At most this when minimizing, at least this when maximizing, for a candidate to be kept. */
  limit?: number;
}

/** The numbers the core decides with; taken from the config and any command-line overrides. */
export interface Settings {
  metric: { name: string; goal: Goal };
  /** Objectives besides the metric (harness mode). */
  objectives?: ObjectiveSpec[];
  /** How candidates are compared: the metric alone (default), or a weighted score of all objectives. */
  rule?: "primary" | "weighted";
  /** rule weighted: a positive weight per objective. */
  weights?: Record<string, number>;
  budget_s: number;
  min_delta: number;
  baseline_repeats: number;
  noise_sigmas: number;
  confirm: number;
  max_experiments: number;
  max_hours: number;
  parallel: number;
  /** Proposals made ahead while every slot is busy (at most `parallel`); auto: while proposing is slow. */
  propose_ahead: number | "auto";
  plateau?: number;
  seed: number;
  /** The proposer's token cap for the whole session. */
  max_tokens?: number;
}

export function settingsFromConfig(config: Config): Settings {
  return {
    metric: { name: config.metric.name, goal: config.metric.goal },
    objectives: config.objectives.map((o) => ({ ...o })),
    rule: config.ratchet.rule ?? "primary",
    ...(config.ratchet.weights === undefined ? {} : { weights: { ...config.ratchet.weights } }),
    budget_s: config.run.budget,
    min_delta: config.ratchet.min_delta,
    baseline_repeats: config.ratchet.baseline_repeats,
    noise_sigmas: config.ratchet.noise_sigmas,
    confirm: config.ratchet.confirm,
    max_experiments: config.session.max_experiments,
    max_hours: config.session.max_hours,
    parallel: config.session.parallel,
    propose_ahead: config.session.propose_ahead,
    ...(config.session.plateau === undefined ? {} : { plateau: config.session.plateau }),
    seed: config.session.seed,
    ...(config.proposer.kind === "llm" && config.proposer.max_tokens_per_session !== undefined
      ? { max_tokens: config.proposer.max_tokens_per_session }
      : {}),
  };
}
