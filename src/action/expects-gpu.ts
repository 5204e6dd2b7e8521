import type { Config } from "../config/index.ts";

/**
 * Why this job is meant to run on a GPU, or undefined when it is not: the config lists GPU
 * indices (`sandbox.gpus: [0, …]`), or a runner label names a GPU (`gpu`, `gpu-h100`,
 * `autoopt-gpu`: `gpu` as a word of the label). `sandbox.gpus: none` says the experiments use
 * no GPU, whatever the labels. On such a job an nvidia-smi that fails is the runner's fault,
 * which must not be charged to the candidate as a crash.
 */
export function expectsGpu(config: Config, labels: readonly string[]): string | undefined {
  const { gpus } = config.sandbox;
  if (gpus === "none") return undefined;
  if (Array.isArray(gpus)) return `the config's sandbox.gpus lists GPU ${gpus.join(", ")}`;
  const label = labels.find((l) => /(^|[^a-z0-9])gpus?($|[^a-z0-9])/i.test(l));
  return label === undefined ? undefined : `its runner label \`${label}\` says it has a GPU`;
}
