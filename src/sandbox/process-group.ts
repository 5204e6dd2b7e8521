import { type ChildProcess, spawn } from "node:child_process";

export interface GroupCommand {
  /** The program and its arguments; the program is looked up on the caller's PATH. */
  argv: readonly [string, ...string[]];
  cwd: string;
  env: Record<string, string>;
  /** Seconds after which the whole group is terminated. */
  limitS: number;
  signal?: AbortSignal;
  onOutput: (chunk: Buffer, stream: "stdout" | "stderr") => void;
  onSpawn?: (pid: number) => void;
}

export interface GroupOutcome {
  /** `exited`: the command ended by itself; `timeout`/`interrupted`: we stopped it. */
  end: "exited" | "timeout" | "interrupted" | "spawn-failed";
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  pid: number | undefined;
  wallS: number;
  error?: Error;
}

/** Time a group gets between SIGTERM and SIGKILL to flush and clean up. */
const KILL_AFTER_TERM_MS = 1000;
/** How long to wait for the pipes after the command exited; an escaped grandchild may hold them forever. */
const DRAIN_MS = 500;

/**
 * Runs `argv` as the leader of its own process group, so that the whole tree it
 * starts can be signalled at once, and resolves once it is over. Never rejects.
 */
export function runInProcessGroup(cmd: GroupCommand): Promise<GroupOutcome> {
  return new Promise((resolve) => new GroupRun(cmd, resolve).start());
}

class GroupRun {
  readonly #cmd: GroupCommand;
  readonly #resolve: (outcome: GroupOutcome) => void;
  readonly #startedAt = performance.now();
  readonly #timers: NodeJS.Timeout[] = [];
  #child: ChildProcess | undefined;
  #stoppedBy: "timeout" | "interrupted" | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #error: Error | undefined;
  #settled = false;

  constructor(cmd: GroupCommand, resolve: (outcome: GroupOutcome) => void) {
    this.#cmd = cmd;
    this.#resolve = resolve;
  }

  start(): void {
    const cmd = this.#cmd;
    const [program, ...args] = cmd.argv;
    const child = spawn(program, args, {
      cwd: cmd.cwd,
      env: cmd.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    child.stdout?.on("data", (chunk: Buffer) => cmd.onOutput(chunk, "stdout"));
    child.stderr?.on("data", (chunk: Buffer) => cmd.onOutput(chunk, "stderr"));
    child.on("error", (error) => {
      this.#error = error;
      if (child.pid === undefined) this.#finish();
    });
    child.on("exit", (code, signal) => this.#onExit(code, signal));
    child.on("close", () => this.#finish());
    if (child.pid === undefined) return;
    cmd.onSpawn?.(child.pid);
    this.#timers.push(setTimeout(() => this.#stop("timeout"), cmd.limitS * 1000));
    if (cmd.signal?.aborted) this.#stop("interrupted");
    else cmd.signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  readonly #onAbort = (): void => this.#stop("interrupted");

  #stop(why: "timeout" | "interrupted"): void {
    const pid = this.#child?.pid;
    if (this.#stoppedBy || this.#exit || pid === undefined) return;
    this.#stoppedBy = why;
    killGroup(pid, "SIGTERM");
    this.#timers.push(setTimeout(() => killGroup(pid, "SIGKILL"), KILL_AFTER_TERM_MS));
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exit = { code, signal };
    // Stragglers must not outlive the run: a leftover child could still write metrics while
    // the evaluator runs, or hold the GPU the next experiment needs.
    const pid = this.#child?.pid;
    if (pid !== undefined) killGroup(pid, "SIGKILL");
    this.#timers.push(setTimeout(() => this.#finish(), DRAIN_MS));
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#cmd.signal?.removeEventListener("abort", this.#onAbort);
    this.#child?.stdout?.destroy();
    this.#child?.stderr?.destroy();
    const pid = this.#child?.pid;
    this.#resolve({
      end: pid === undefined ? "spawn-failed" : (this.#stoppedBy ?? "exited"),
      exitCode: this.#exit?.code ?? null,
      signal: this.#exit?.signal ?? null,
      pid,
      wallS: (performance.now() - this.#startedAt) / 1000,
      ...(this.#error ? { error: this.#error } : {}),
    });
  }
}

/** Signals every process in the group led by `pid`. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone. EPERM: macOS answers this when only zombies are left.
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code !== "ESRCH" && code !== "EPERM") throw error;
  }
}
