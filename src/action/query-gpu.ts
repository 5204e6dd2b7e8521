import { runNvidiaSmi } from "../runner/nvidia-smi.ts";
import { type GpuInfo, parseNvidiaSmi } from "./parse-nvidia-smi.ts";

export type GpuQuery = { ok: true; gpu: GpuInfo | undefined } | { ok: false; reason: string };

/** nvidia-smi answers in well under a second when the driver is healthy. */
export const GPU_QUERY_TIMEOUT_MS = 10_000;

const ARGS = ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"];

/**
 * Asks nvidia-smi which GPUs this runner has. No nvidia-smi on PATH means no GPU (`ok`, no
 * gpu); an nvidia-smi that fails (driver not loaded, library mismatch, no devices) or hangs is
 * reported, never thrown.
 */
export async function queryGpu(
  env: Readonly<Record<string, string | undefined>>,
  options: { timeoutMs?: number } = {},
): Promise<GpuQuery> {
  const outcome = await runNvidiaSmi(ARGS, env, options.timeoutMs ?? GPU_QUERY_TIMEOUT_MS);
  switch (outcome.kind) {
    case "missing":
      return { ok: true, gpu: undefined };
    case "answered":
      return { ok: true, gpu: parseNvidiaSmi(outcome.stdout) };
    case "hung":
      return {
        ok: false,
        reason: `nvidia-smi did not answer within ${outcome.timeoutMs / 1000} s and was killed (a hung driver or GPU)`,
      };
    case "unstartable":
      return { ok: false, reason: `nvidia-smi could not be started: ${outcome.message}` };
    case "failed":
      return {
        ok: false,
        reason: `nvidia-smi failed: it ${outcome.ended}${outcome.said ? `: ${outcome.said}` : ""}`,
      };
  }
}
