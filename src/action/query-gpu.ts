import { type ChildProcess, spawn } from "node:child_process";
import { type GpuInfo, parseNvidiaSmi } from "./parse-nvidia-smi.ts";

export type GpuQuery = { ok: true; gpu: GpuInfo | undefined } | { ok: false; reason: string };

/** nvidia-smi answers in well under a second when the driver is healthy. */
export const GPU_QUERY_TIMEOUT_MS = 10_000;

const ARGS = ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"];
/** Enough for the lines of any machine; a runaway output is not kept whole. */
const MAX_OUTPUT = 64 * 1024;

/**
 * Asks nvidia-smi which GPUs this runner has. No nvidia-smi on PATH means no GPU (`ok`, no
 * gpu); an nvidia-smi that fails (driver not loaded, library mismatch, no devices) is reported,
 * never thrown. One that hangs is SIGKILLed with its whole process group at `timeoutMs`: a hung
 * driver ignores SIGTERM, and a child it left behind would hold the pipes (and the action) open.
 */
export function queryGpu(
  env: Readonly<Record<string, string | undefined>>,
  options: { timeoutMs?: number } = {},
): Promise<GpuQuery> {
  const timeoutMs = options.timeoutMs ?? GPU_QUERY_TIMEOUT_MS;
  return new Promise((resolve) => {
    // nvidia-smi prints its errors on stdout; stderr is read only to say why it failed.
    const output = { stdout: "", stderr: "" };
    let settled = false;
    const child = spawn("nvidia-smi", ARGS, {
      env: { PATH: env.PATH ?? "/usr/local/bin:/usr/bin:/bin" },
      // Its own process group, so that one kill reaches whatever it started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const settle = (query: GpuQuery) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(query);
    };
    const timer = setTimeout(() => {
      killGroup(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      settle({
        ok: false,
        reason: `nvidia-smi did not answer within ${timeoutMs / 1000} s and was killed (a hung driver or GPU)`,
      });
    }, timeoutMs);
    const collect = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      if (output[stream].length < MAX_OUTPUT) output[stream] += chunk.toString("utf8");
    };
    child.stdout?.on("data", collect("stdout"));
    child.stderr?.on("data", collect("stderr"));
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") settle({ ok: true, gpu: undefined });
      else settle({ ok: false, reason: `nvidia-smi could not be started: ${error.message}` });
    });
    // What it left running in its group would keep the pipes open and delay `close`.
    child.on("exit", () => killGroup(child));
    child.on("close", (code, signal) => {
      if (code === 0) return settle({ ok: true, gpu: parseNvidiaSmi(output.stdout) });
      const ended = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const said = firstLine(output.stdout) || firstLine(output.stderr);
      settle({ ok: false, reason: `nvidia-smi failed: it ${ended}${said ? `: ${said}` : ""}` });
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  return line.trim().slice(0, 300);
}
