import type { Config } from "../config/index.ts";

/**
 * The seed of one experiment, the same as local mode gives it: session.seed plus the number of
 * `exp-<n>`, so a run on a GitHub runner and a local run of the same experiment agree. Other
 * ids (a baseline, say) get session.seed itself.
 */
export function experimentSeed(config: Config, experiment: string): number {
  const n = /^exp-(\d+)$/.exec(experiment)?.[1];
  return config.session.seed + (n === undefined ? 0 : Number(n));
}
