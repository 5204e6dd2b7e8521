import type { Config } from "../config/index.ts";
import type { Split } from "./run-options.ts";

/** What identifies this run to the command, handed over as AUTOOPT_* variables. */
export interface RunVars {
  /** Absolute path of the fresh output directory (AUTOOPT_OUT). */
  outDir: string;
  seed: number;
  experiment: string;
  session: string;
  split: Split;
}

// An allow-list: whatever secret a runner or the App holds (tokens, cloud keys) stays out by
// default, including ones nobody thought to name.
const ALLOWED = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TERM",
  "TMPDIR",
  "XDG_CACHE_HOME",
  "PYTHONUNBUFFERED",
  "PYTHONHASHSEED",
  "PYTHONDONTWRITEBYTECODE",
  "CUDA_VISIBLE_DEVICES",
  "CUDA_DEVICE_ORDER",
  "NVIDIA_VISIBLE_DEVICES",
  "HIP_VISIBLE_DEVICES",
  "OMP_NUM_THREADS",
  // The runner ends the processes that carry it when the job ends; a leftover must not escape that.
  "RUNNER_TRACKING_ID",
  "MKL_NUM_THREADS",
]);

function isAllowed(name: string): boolean {
  return ALLOWED.has(name) || name.startsWith("LC_");
}

/**
 * The environment of the experiment command and the evaluator: allow-listed names from the
 * parent, then `run.pass_env`, then `run.env`, then the AUTOOPT_* variables, which nothing
 * overrides.
 */
export function cleanEnv(
  parentEnv: Readonly<Record<string, string | undefined>>,
  config: Config,
  extra: RunVars,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parentEnv)) {
    if (value !== undefined && isAllowed(name)) env[name] = value;
  }
  for (const name of config.run.pass_env) {
    const value = parentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  // Buffered python output would reach the log only at exit, and not at all when killed.
  env.PYTHONUNBUFFERED = "1";
  Object.assign(env, config.run.env);
  return {
    ...env,
    AUTOOPT_BUDGET_S: String(config.run.budget),
    AUTOOPT_OUT: extra.outDir,
    AUTOOPT_SEED: String(extra.seed),
    AUTOOPT_EXPERIMENT: extra.experiment,
    AUTOOPT_SESSION: extra.session,
    AUTOOPT_SPLIT: extra.split,
  };
}
