import type { Config } from "../config/index.ts";

/**
 * The config a held-out run executes: `promotion.heldout` as the command, with no separate
 * evaluator (the held-out command scores itself). Same budget, grace, environment and locked
 * files as a search run, so the only difference is the split.
 */
export function heldoutConfig(config: Config): Config {
  const command = config.promotion.heldout;
  if (command === undefined)
    throw new Error(
      "autoopt.yml has no promotion.heldout; add the command that evaluates on the held-out split, e.g. `promotion: { heldout: python3 eval.py }` (it runs with AUTOOPT_SPLIT=heldout)",
    );
  return { ...config, run: { ...config.run, command, evaluate: undefined } };
}
