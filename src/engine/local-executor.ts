import type { Config } from "../config/index.ts";
import type { Result, RunnerIdentity } from "../core/index.ts";
import { addWorktree, removeWorktree } from "../forge/local/index.ts";
import { runExperiment } from "../runner/index.ts";
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
}

/** Runs each experiment in its own git worktree at the candidate commit, then removes the worktree. */
export class LocalExecutor implements Executor {
  private readonly options: LocalExecutorOptions;

  constructor(options: LocalExecutorOptions) {
    this.options = options;
  }

  async execute(input: ExecuteInput): Promise<Result> {
    const { repo, paths, env } = this.options;
    const workdir = paths.worktree(input.experiment);
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
        runner: this.options.runner,
        signal: input.signal,
        ...(input.onStart ? { onStart: ({ startedAt }: { startedAt: Date }) => input.onStart?.(startedAt) } : {}),
      });
    } finally {
      await removeWorktree(repo, workdir, env);
    }
  }
}
