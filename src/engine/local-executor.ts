import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/index.ts";
import {
  type Gpu,
  type GpuSlots,
  gpuEnv,
  gpuLabel,
  type Result,
  type RunnerIdentity,
} from "../core/index.ts";
import { addWorktree, removeWorktree } from "../forge/local/index.ts";
import { runExperiment } from "../runner/index.ts";
import type { Sandbox } from "../sandbox/index.ts";
import { gpuDevices } from "./discover-gpus.ts";
import type { ExecuteInput, Executor } from "./executor.ts";
import type { SessionPaths } from "./session-paths.ts";

export interface LocalExecutorOptions {
  repo: string;
  session: string;
  paths: SessionPaths;
  config: Config;
  seed: number;
  env: Readonly<Record<string, string | undefined>>;
  runner: RunnerIdentity;
  sandbox: Sandbox;
  /** The machine's GPUs; each experiment in flight gets its own. */
  gpus?: GpuSlots;
  /** Where the GPUs' device nodes are (`/dev`). */
  devDir?: string;
}

/** Runs each experiment in its own git worktree at the candidate commit, then removes the worktree. */
export class LocalExecutor implements Executor {
  private readonly options: LocalExecutorOptions;

  constructor(options: LocalExecutorOptions) {
    this.options = options;
  }

  readonly #waiting: (() => void)[] = [];

  async execute(input: ExecuteInput): Promise<Result> {
    const gpus = await this.#takeGpus(input.signal);
    try {
      return await this.#execute(input, gpus);
    } finally {
      this.options.gpus?.give(gpus);
      this.#waiting.shift()?.();
    }
  }

  /** GPUs of its own for one experiment, waiting while others hold them all. */
  async #takeGpus(signal: AbortSignal): Promise<Gpu[]> {
    const slots = this.options.gpus;
    if (!slots) return [];
    for (;;) {
      const gpus = slots.take();
      if (gpus || signal.aborted) return gpus ?? [];
      await new Promise<void>((resolve) => {
        this.#waiting.push(resolve);
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    }
  }

  async #execute(input: ExecuteInput, gpus: Gpu[]): Promise<Result> {
    const { repo, paths } = this.options;
    const env = { ...this.options.env, ...gpuEnv(gpus) };
    const workdir = paths.worktree(input.experiment);
    const pidFile = join(input.archiveDir, "run.pgid");
    killLeftover(pidFile, `AUTOOPT_EXPERIMENT=exp-${input.experiment}`);
    await addWorktree(repo, workdir, input.sha, env);
    try {
      return await runExperiment({
        workdir,
        archiveDir: input.archiveDir,
        config: this.options.config,
        session: this.options.session,
        experiment: `exp-${input.experiment}`,
        candidateSha: input.sha,
        baseSha: input.baseSha,
        seed: this.options.seed + input.experiment,
        split: "search",
        parentEnv: env,
        runner: { ...this.options.runner, ...gpuLabel(gpus) },
        sandbox: this.options.sandbox,
        devices: gpuDevices(gpus, this.options.devDir),
        // The user's checkout, its .git and the session folder (records, archive, other
        // experiments' worktrees) all lie inside the repository.
        hide: [repo],
        signal: input.signal,
        onStart: ({ pid, startedAt }) => {
          // Remembered so that a resume after `kill -9` of autoopt can end a run it left behind.
          writeFileSync(pidFile, String(pid));
          input.onStart?.(startedAt);
        },
      });
    } finally {
      rmSync(pidFile, { force: true });
      await removeWorktree(repo, workdir, env);
    }
  }
}

/**
 * Kills the process group of a run whose autoopt process died without cleaning up, after checking
 * in /proc that the group still belongs to that run (a recycled process id must never be hit).
 */
function killLeftover(pidFile: string, marker: string): void {
  let pgid: number;
  try {
    pgid = Number(readFileSync(pidFile, "utf8").trim());
  } catch {
    return;
  }
  if (Number.isInteger(pgid) && pgid > 1 && groupCarries(pgid, marker)) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  rmSync(pidFile, { force: true });
}

function groupCarries(pgid: number, marker: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return false;
  }
  return pids.some((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      return (
        pgrp === pgid && readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker)
      );
    } catch {
      return false;
    }
  });
}
