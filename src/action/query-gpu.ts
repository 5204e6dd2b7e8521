import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type GpuInfo, parseNvidiaSmi } from "./parse-nvidia-smi.ts";

const execFileAsync = promisify(execFile);

export type GpuQuery = { ok: true; gpu: GpuInfo | undefined } | { ok: false; reason: string };

/**
 * Asks nvidia-smi which GPUs this runner has. No nvidia-smi on PATH means no GPU (`ok`, no
 * gpu); an nvidia-smi that fails (driver not loaded, no devices) is reported, not thrown.
 */
export async function queryGpu(
  env: Readonly<Record<string, string | undefined>>,
): Promise<GpuQuery> {
  try {
    const { stdout } = await execFileAsync(
      "nvidia-smi",
      ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"],
      {
        env: { PATH: env.PATH ?? "/usr/local/bin:/usr/bin:/bin" },
        timeout: 15_000,
        encoding: "utf8",
      },
    );
    return { ok: true, gpu: parseNvidiaSmi(stdout) };
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      return { ok: true, gpu: undefined };
    }
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, reason: `nvidia-smi failed: ${reason}` };
  }
}
