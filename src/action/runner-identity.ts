import type { Config } from "../config/index.ts";
import type { RunnerIdentity } from "../core/result.ts";
import type { GpuInfo } from "./parse-nvidia-smi.ts";

/**
 * Who ran the experiment, for result.json. The Actions runner does not tell a job its labels;
 * `RUNNER_LABELS` (comma- or space-separated), when a runner's environment sets it, wins over
 * the labels the config asks for (`runner.runs_on`).
 */
export function runnerIdentity(
  env: Readonly<Record<string, string | undefined>>,
  config: Config,
  gpu: GpuInfo | undefined,
  platform: string,
): RunnerIdentity {
  const labels = (env.RUNNER_LABELS ?? "").split(/[\s,]+/).filter((label) => label !== "");
  const os = env.RUNNER_OS ? [env.RUNNER_OS, env.RUNNER_ARCH].filter(Boolean).join(" ") : platform;
  return {
    name: env.RUNNER_NAME || "unknown runner",
    os,
    labels: labels.length > 0 ? labels : [...config.runner.runs_on],
    ...(gpu ?? {}),
  };
}
