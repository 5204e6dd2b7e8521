import type { Config } from "../config/index.ts";
import {
  type Action,
  applyEvent,
  decide,
  experiment,
  judgedMetric,
  type LedgerEvent,
  nextActions,
  type Result,
  type RunSummary,
  replay,
  type SessionState,
  type Settings,
  sessionObjectives,
} from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import type { Proposer } from "../proposer/index.ts";
import type { ArchiveWriter } from "./archive-writer.ts";
import { applyVerdict, reconcileBranches } from "./branch-effects.ts";
import { DiskFullError, findDiskFull } from "./disk-full.ts";
import type { EngineEvent } from "./engine-event.ts";
import type { Executor } from "./executor.ts";
import { FrontierRefs } from "./frontier-refs.ts";
import type { LedgerFile } from "./ledger-file.ts";
import { LedgerSeal } from "./ledger-seal.ts";
import { Mutex } from "./mutex.ts";
import { ProposalScope } from "./proposal-scope.ts";
import { Proposing, type ProposingOptions } from "./proposing.ts";
import { type CommitFacts, RecordCheck } from "./record-check.ts";
import { TaskSet } from "./task-set.ts";

export interface EngineOptions {
  session: string;
  settings: Settings;
  forge: Forge;
  /** Git's view of commits and branches, which every record is checked against before it moves one. */
  commits: CommitFacts;
  executor: Executor;
  proposer: Proposer;
  ledger: LedgerFile;
  archive: ArchiveWriter;
  editable: readonly string[];
  locked: readonly string[];
  program: string;
  /**
   * The effective config (command-line overrides applied), recorded with the session's start
   * and again on a resume that changed it, so that the next resume runs with exactly this.
   */
  config?: Config;
  /** Milliseconds since the epoch; the engine never reads the clock itself. */
  clock: () => number;
  signal: AbortSignal;
  onEvent?: (event: EngineEvent, state: SessionState) => void;
  /** Tools over the archive for proposers that read it, built fresh for each proposal. */
  toolsFor?: ProposingOptions["toolsFor"];
  precheck?: ProposingOptions["precheck"];
  taskFacts?: ProposingOptions["taskFacts"];
}

/**
 * Drives one session as a state machine over ledger events: it asks the core what to do next,
 * carries that out through the forge, the executor and the proposer, and records each outcome in
 * the ledger before acting on it. Starting and resuming are the same code path.
 */
export class Engine {
  private state: SessionState;
  private readonly o: EngineOptions;
  private readonly mutex = new Mutex();
  /** Orders appends apart from `mutex`, which some callers of `record` already hold. */
  private readonly appending = new Mutex();
  private readonly tasks = new TaskSet();
  private readonly frontier: FrontierRefs;
  private readonly proposing: Proposing;
  private readonly seal: LedgerSeal;
  private readonly check: RecordCheck;
  private failure: unknown;

  constructor(options: EngineOptions, events: readonly LedgerEvent[]) {
    this.o = options;
    this.state = replay(events);
    this.proposing = new Proposing(options);
    this.frontier = new FrontierRefs(options.forge);
    this.seal = new LedgerSeal(options.ledger.path);
    const scope = new ProposalScope(options.editable, options.locked);
    this.check = new RecordCheck(options.commits, scope, options.ledger.path);
  }

  get current(): SessionState {
    return this.state;
  }

  /**
   * Runs until a stop condition, Ctrl-C (the signal), or an error; returns the final state. A
   * full disk is a clean stop: the runs in flight end, `stopped` is recorded if it still fits,
   * and the error says where and how to resume.
   */
  async run(): Promise<SessionState> {
    try {
      return await this.drive();
    } catch (error) {
      const full = findDiskFull(error);
      if (!full) throw error;
      await Promise.allSettled(this.tasks.promises());
      const reason = `the disk is full (${full.code}); free space, then resume with \`autoopt run --session\``;
      await this.record({ type: "stopped", at: this.now(), reason }).catch(() => undefined);
      throw new DiskFullError(full, this.o.session, { cause: error });
    }
  }

  private async drive(): Promise<SessionState> {
    await this.open();
    const stop = aborted(this.o.signal);
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      if (this.o.signal.aborted) break;
      const actions = nextActions(this.state, this.o.settings, this.tasks.active(), this.o.clock());
      const finish = actions.find((a) => a.type === "finish");
      if (finish) {
        if (this.state.stopped === undefined)
          await this.record({ type: "stopped", at: this.now(), reason: finish.reason });
        this.emit({ type: "session-finished", reason: finish.reason });
        return this.state;
      }
      for (const action of this.tasks.notYetLaunched(actions)) {
        this.tasks.launch(
          action,
          (key) => this.perform(action, key),
          (error) => {
            this.failure ??= error;
          },
        );
      }
      if (this.tasks.size === 0)
        throw new Error("the session has nothing to run and no reason to stop");
      await Promise.race([...this.tasks.promises(), stop]);
    }
    await Promise.allSettled(this.tasks.promises());
    if (this.failure !== undefined) throw this.failure;
    await this.record({
      type: "stopped",
      at: this.now(),
      reason: "interrupted (Ctrl-C); resume with `autoopt run --session`",
    });
    this.emit({ type: "session-finished", reason: "interrupted" });
    return this.state;
  }

  private async open(): Promise<void> {
    await this.seal.open();
    if (this.state.session === "") {
      const baseSha = await this.o.forge.ratchetHead();
      await this.record({
        type: "session",
        at: this.now(),
        session: this.o.session,
        base_sha: baseSha,
        metric: judgedMetric(this.o.settings),
        ...sessionObjectives(this.o.settings),
        settings: { ...this.o.settings },
        ...(this.o.config === undefined ? {} : { config: this.o.config }),
      });
      return;
    }
    // Before any record is acted on: a resume would otherwise put the ratchet wherever they say.
    await this.check.session(this.state, await this.o.forge.ratchetHead());
    await this.record({ type: "resumed", at: this.now() });
    const { config } = this.o;
    if (config !== undefined && JSON.stringify(this.state.meta.config) !== JSON.stringify(config))
      await this.record({ type: "meta", at: this.now(), config });
    await reconcileBranches(this.o.forge, this.frontier, this.state);
  }

  private async perform(action: Action, key: number): Promise<void> {
    switch (action.type) {
      case "rerun":
        return this.execute(action.experiment);
      case "baseline": {
        const head = this.state.ratchetSha;
        const n = await this.mutex.run(() =>
          this.propose(key, { kind: "baseline", sha: head, parent: head, description: "baseline" }),
        );
        return this.execute(n);
      }
      case "confirm": {
        const target = experiment(this.state, action.of);
        if (!target) return;
        const k =
          this.state.experiments.filter((e) => e?.kind === "confirm" && e.of === action.of).length +
          1;
        const n = await this.mutex.run(() =>
          this.propose(key, {
            kind: "confirm",
            of: action.of,
            sha: target.sha,
            parent: target.parent,
            description: `confirm exp-${action.of} (${k}/${this.o.settings.confirm})`,
          }),
        );
        return this.execute(n);
      }
      case "rebase": {
        const n = await this.mutex.run(() => this.rebase(action.of, key));
        if (n !== undefined) await this.execute(n);
        return;
      }
      case "propose": {
        const n = await this.proposeCandidate(key);
        if (n !== undefined) await this.execute(n);
        return;
      }
      case "finish":
        return;
    }
  }

  private async proposeCandidate(key: number): Promise<number | undefined> {
    this.emit({ type: "proposing" });
    const outcome = await this.proposing.make(() => this.state, this.o.signal);
    if (this.o.signal.aborted) return undefined;
    if (outcome.type !== "made") {
      await this.mutex.run(async () => {
        const tokens = outcome.tokens ? { tokens: outcome.tokens } : {};
        if (outcome.type === "failed") {
          const n = this.state.failedProposals.count + 1;
          await this.o.archive.saveFailedProposal(this.now(), n, outcome);
        }
        await this.record({
          type: "proposal_failed",
          at: this.now(),
          reason: outcome.reason,
          ...tokens,
        });
        if (outcome.type === "done")
          await this.record({ type: "stopped", at: this.now(), reason: outcome.reason });
      });
      this.emit({ type: "proposal-failed", reason: outcome.reason });
      return undefined;
    }
    const { made } = outcome;
    const { proposal, parent } = made;
    return this.mutex.run(async () => {
      const n = this.state.experiments.length + 1;
      const sha = await this.proposing.commit(n, made);
      return this.propose(key, {
        kind: "candidate",
        sha,
        parent,
        description: proposal.description,
        files_hash: made.hash,
        ...(proposal.hypothesis === undefined ? {} : { hypothesis: proposal.hypothesis }),
        ...(proposal.changes === undefined ? {} : { changes: proposal.changes }),
        ...(proposal.tokens === undefined ? {} : { tokens: proposal.tokens }),
      });
    });
  }

  private async rebase(of: number, key: number): Promise<number | undefined> {
    const original = experiment(this.state, of);
    if (!original) return undefined;
    const n = this.state.experiments.length + 1;
    const onto = this.state.ratchetSha;
    const message = `${original.description} (re-based from exp-${of})`;
    const sha = await this.o.forge.rebaseCandidate({
      experiment: n,
      candidate: original.sha,
      parent: original.parent,
      onto,
      message,
    });
    await this.o.forge.dropExperiment(of);
    if (typeof sha !== "string") {
      await this.record({
        type: "rebase_failed",
        at: this.now(),
        experiment: of,
        reason: sha.conflict.split("\n")[0] ?? "conflict",
      });
      return undefined;
    }
    return this.propose(key, {
      kind: "rebase",
      of,
      sha,
      parent: onto,
      description: message,
      ...(original.changes === undefined ? {} : { changes: original.changes }),
    });
  }

  /** Records a proposal (caller holds the mutex) and returns its experiment number. */
  private async propose(
    key: number,
    p: Omit<Extract<LedgerEvent, { type: "proposed" }>, "type" | "at" | "experiment">,
  ): Promise<number> {
    const n = this.state.experiments.length + 1;
    await this.record({ type: "proposed", at: this.now(), experiment: n, ...p });
    this.tasks.bind(key, n);
    return n;
  }

  private async execute(n: number): Promise<void> {
    const x = experiment(this.state, n);
    if (!x) return;
    this.emit({
      type: "experiment-started",
      experiment: n,
      kind: x.kind,
      description: x.description,
      startedAt: this.o.clock(),
    });
    const result = await this.o.executor.execute({
      experiment: n,
      sha: x.sha,
      baseSha: this.state.baseSha,
      archiveDir: this.o.archive.experimentDir(n),
      signal: this.o.signal,
      onStart: (at) =>
        this.emit({ type: "experiment-running", experiment: n, startedAt: at.getTime() }),
    });
    await this.mutex.run(() => this.conclude(n, result));
  }

  private async conclude(n: number, result: Result): Promise<void> {
    if (this.o.signal.aborted) {
      await this.record({
        type: "interrupted",
        at: this.now(),
        experiment: n,
        reason: result.reason ?? "interrupted",
      });
      return;
    }
    const run: RunSummary = {
      status: result.status,
      metrics: result.metrics,
      wall_s: result.wall_s,
      exit_code: result.exit_code,
      signal: result.signal,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...(result.containment === undefined ? {} : { containment: result.containment }),
    };
    // The run has ended: it may have moved its branch or made commits; none of that may count.
    await this.check.experiment(this.state, n);
    const decision = decide(this.state, n, run, this.o.settings);
    const before = this.state.ratchetSha;
    await this.record({ type: "finished", at: this.now(), experiment: n, run, decision });
    await applyVerdict(this.o.forge, this.frontier, this.state, before, decision);
    await this.o.archive.writeResultsTsv(this.state);
    this.emit({ type: "experiment-finished", experiment: n, decision, run });
  }

  private async record(event: LedgerEvent): Promise<void> {
    await this.appending.run(async () => {
      await this.seal.check(this.o.clock());
      this.seal.extend(await this.o.ledger.append(event));
    });
    this.state = applyEvent(this.state, event);
  }

  private emit(event: EngineEvent): void {
    this.o.onEvent?.(event, this.state);
  }

  private now(): string {
    return new Date(this.o.clock()).toISOString();
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
