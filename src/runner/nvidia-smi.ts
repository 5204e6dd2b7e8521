import { type ChildProcess, spawn } from "node:child_process";

/** How one nvidia-smi call ended; each caller words it for its own reader. */
export type SmiOutcome =
  | { kind: "missing" }
  | { kind: "answered"; stdout: string }
  | { kind: "hung"; timeoutMs: number }
  | { kind: "unstartable"; message: string }
  /** `ended`: `exited with code 9` or `was killed by SIGSEGV`; `said`: its first line of output. */
  | { kind: "failed"; ended: string; said: string };

/** Enough for the lines of any machine; a runaway output is not kept whole. */
const MAX_OUTPUT = 64 * 1024;

/**
 * Runs nvidia-smi with `args`, for the runner's identity (the action) and the GPUs a local
 * session hands out. Never rejects. One that hangs is SIGKILLed with its whole process group at
 * `timeoutMs`: a hung driver ignores SIGTERM, and a child it left behind would hold the pipes
 * (and so the caller) open.
 */
export function runNvidiaSmi(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<SmiOutcome> {
  return new Promise((resolve) => {
    // nvidia-smi prints its errors on stdout; stderr is read only to say why it failed.
    const output = { stdout: "", stderr: "" };
    let settled = false;
    const child = spawn("nvidia-smi", args, {
      env: { PATH: env.PATH ?? "/usr/local/bin:/usr/bin:/bin" },
      // Its own process group, so that one kill reaches whatever it started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const settle = (outcome: SmiOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      killGroup(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      settle({ kind: "hung", timeoutMs });
    }, timeoutMs);
    const collect = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      if (output[stream].length < MAX_OUTPUT) output[stream] += chunk.toString("utf8");
    };
    child.stdout?.on("data", collect("stdout"));
    child.stderr?.on("data", collect("stderr"));
    child.on("error", (error: NodeJS.ErrnoException) => {
      settle(
        error.code === "ENOENT"
          ? { kind: "missing" }
          : { kind: "unstartable", message: error.message },
      );
    });
    // What it left running in its group would keep the pipes open and delay `close`.
    child.on("exit", () => killGroup(child));
    child.on("close", (code, signal) => {
      if (code === 0) return settle({ kind: "answered", stdout: output.stdout });
      const ended = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      settle({ kind: "failed", ended, said: firstLine(output.stdout) || firstLine(output.stderr) });
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
