import { experiment, type RunSummary, type SessionState, summaryOf } from "../core/index.ts";
import type { ArchiveWriter } from "./archive-writer.ts";
import type { EngineEvent } from "./engine-event.ts";
import type { Executor } from "./executor.ts";
import type { Launch, RunLauncher } from "./ports.ts";

export interface LocalLauncherOptions {
  executor: Executor;
  archive: ArchiveWriter;
  signal: AbortSignal;
  clock: () => number;
  /** Where a run's end goes: the driver's `runEnded`. */
  onEnd: (n: number, run: RunSummary) => Promise<void>;
  emit: (event: EngineEvent) => void;
}

/** Runs each experiment as a task of this process (a worktree and a sandboxed process group). */
export class LocalLauncher implements RunLauncher {
  private readonly o: LocalLauncherOptions;
  private readonly running = new Map<number, Promise<void>>();
  /** Runs that ended and whose end is being recorded: no longer in flight, not yet settled. */
  private readonly ending = new Set<number>();
  private failure: unknown;

  constructor(options: LocalLauncherOptions) {
    this.o = options;
  }

  /**
   * Runs under way, and runs that ended while their end waits to be recorded: those hold their
   * slot (else another step would take them for orphans to run again) until the state asked
   * about records the end.
   */
  inFlight(state: SessionState): ReadonlySet<number> {
    return new Set(
      [...this.running.keys()].filter((n) => !this.ending.has(n) || stillRunning(state, n)),
    );
  }

  /** Runs in flight, each settling once its end is recorded. */
  pending(): Promise<void>[] {
    return [...this.running.values()];
  }

  /** The first error of a run or of recording its end. */
  get error(): unknown {
    return this.failure;
  }

  async launch(n: number, state: SessionState): Promise<Launch> {
    const x = experiment(state, n);
    if (!x || this.running.has(n)) return { type: "started" };
    this.o.emit({
      type: "experiment-started",
      experiment: n,
      kind: x.kind,
      description: x.description,
      startedAt: this.o.clock(),
    });
    const task = this.o.executor
      .execute({
        experiment: n,
        sha: x.sha,
        baseSha: state.baseSha,
        archiveDir: this.o.archive.experimentDir(n),
        signal: this.o.signal,
        onStart: (at) =>
          this.o.emit({ type: "experiment-running", experiment: n, startedAt: at.getTime() }),
      })
      .then((result) => {
        this.ending.add(n);
        return this.o.onEnd(n, summaryOf(result));
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.ending.delete(n);
        this.running.delete(n);
      });
    this.running.set(n, task);
    return { type: "started" };
  }
}

function stillRunning(state: SessionState, n: number): boolean {
  const phase = experiment(state, n)?.phase;
  return phase === "running" || phase === "interrupted";
}
