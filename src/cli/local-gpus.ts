import type { Config } from "../config/index.ts";
import { GpuSlots } from "../core/index.ts";
import { discoverGpus } from "../engine/discover-gpus.ts";

/**
 * The GPUs a local session hands out: those nvidia-smi lists, narrowed to `sandbox.gpus` when
 * it names indices. Says when parallel experiments will have to take turns.
 */
export async function localGpus(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  out: { write(text: string): unknown },
): Promise<GpuSlots> {
  const { gpus: wanted, gpus_per_experiment: per, share_gpus: share } = config.sandbox;
  if (wanted === "none") return new GpuSlots([], per, share);
  const found = await discoverGpus(env);
  if (found.problem) out.write(`autoopt: warning: ${found.problem}; runs get no GPU\n`);
  const gpus = wanted === "auto" ? found.gpus : found.gpus.filter((g) => wanted.includes(g.index));
  if (Array.isArray(wanted) && gpus.length < wanted.length) {
    const have = found.gpus.map((g) => g.index).join(", ") || "none";
    throw new Error(
      `sandbox.gpus lists ${wanted.join(", ")}, but nvidia-smi shows GPUs ${have}; fix the list in autoopt.yml or use gpus: auto`,
    );
  }
  const slots = new GpuSlots(gpus, per, share);
  const fit = Math.floor(gpus.length / Math.max(1, per));
  if (gpus.length > 0 && !share && config.session.parallel > fit) {
    out.write(
      `autoopt: ${gpus.length} GPU(s) for session.parallel ${config.session.parallel}: at most ${fit} experiment(s) run at once (set sandbox.share_gpus: true to share)\n`,
    );
  }
  return slots;
}
