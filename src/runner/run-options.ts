import type { Config } from "../config/index.ts";
import type { RunnerIdentity } from "../core/result.ts";
import type { Sandbox } from "../sandbox/index.ts";

export type Split = "search" | "heldout";

/** Everything one experiment run needs. The runner reads nothing else (no process.env). */
export interface RunOptions {
  /** A checkout of the candidate commit (a git worktree locally, the Actions workspace on GitHub). */
  workdir: string;
  /** Where run.log, result.json and out/ (AUTOOPT_OUT) are written. Created if missing. */
  archiveDir: string;
  config: Config;
  session: string;
  experiment: string;
  candidateSha: string;
  /** The trusted commit whose locked files are restored before the run. */
  baseSha: string;
  seed: number;
  split: Split;
  /** The caller's environment; only allow-listed names (and run.pass_env) reach the experiment. */
  parentEnv: Readonly<Record<string, string | undefined>>;
  runner: RunnerIdentity;
  /** What every process of the run (command, evaluator) starts through. */
  sandbox: Sandbox;
  /**
   * Host places no process of the run may see besides HOME and the declared data of other
   * phases: the repository and the session folder locally, the runner's folders on GitHub.
   */
  hide: readonly string[];
  /** Where the evaluator's fresh tree is built; `<workdir>.eval` when absent. Removed afterwards. */
  evalDir?: string;
  /** Device nodes (GPUs) bound into the run's sandboxes. */
  devices?: readonly string[];
  /** Aborting kills the whole process group; the result is then a crash with reason "interrupted". */
  signal?: AbortSignal;
  /** Called when the experiment command has been spawned (for progress bars). */
  onStart?: (info: { pid: number; startedAt: Date }) => void;
}
