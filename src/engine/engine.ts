import type { Config } from "../config/index.ts";
import {
  judgedMetric,
  type LedgerEvent,
  type SessionState,
  type Settings,
  sessionObjectives,
} from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import type { Proposer } from "../proposer/index.ts";
import type { ArchiveWriter } from "./archive-writer.ts";
import { reconcileBranches } from "./branch-effects.ts";
import { DiskFullError, findDiskFull } from "./disk-full.ts";
import { Driver } from "./driver.ts";
import type { EngineEvent } from "./engine-event.ts";
import type { Executor } from "./executor.ts";
import type { LedgerFile } from "./ledger-file.ts";
import { LocalLauncher } from "./local-launcher.ts";
import { LocalLedgerStore } from "./local-ledger-store.ts";
import { LocalProposals } from "./local-proposals.ts";
import { ProposalScope } from "./proposal-scope.ts";
import { Proposing, type ProposingOptions } from "./proposing.ts";
import { type CommitFacts, RecordCheck } from "./record-check.ts";

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
 * A local session: the driver over the ledger file, the local forge, child-process runs and the
 * session folder's archive. Runs until a stop condition, Ctrl-C (the signal) or an error; starting
 * and resuming are the same code path.
 */
export class Engine {
  private readonly o: EngineOptions;
  private readonly driver: Driver;
  private readonly store: LocalLedgerStore;
  private readonly launcher: LocalLauncher;
  private readonly check: RecordCheck;

  constructor(options: EngineOptions, events: readonly LedgerEvent[]) {
    this.o = options;
    const emit = (event: EngineEvent) => options.onEvent?.(event, this.driver.state);
    this.store = new LocalLedgerStore(options.ledger, options.clock);
    this.launcher = new LocalLauncher({
      executor: options.executor,
      archive: options.archive,
      signal: options.signal,
      clock: options.clock,
      onEnd: (n, run) => this.driver.runEnded(n, run),
      emit,
    });
    const scope = new ProposalScope(options.editable, options.locked);
    this.check = new RecordCheck(options.commits, scope, options.ledger.path);
    const proposals = new LocalProposals({
      proposing: new Proposing(options),
      forge: options.forge,
      archive: options.archive,
      kind: options.proposer.kind,
      clock: options.clock,
    });
    this.driver = new Driver(
      {
        session: options.session,
        settings: () => options.settings,
        store: this.store,
        forge: options.forge,
        launcher: this.launcher,
        proposals,
        clock: options.clock,
        signal: options.signal,
        proposeInline: false,
        verify: (state, n) => this.check.experiment(state, n),
        onWritten: (_events, state) => options.archive.writeResultsTsv(state),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      },
      events,
    );
  }

  get current(): SessionState {
    return this.driver.state;
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
      await this.settle();
      const reason = `the disk is full (${full.code}); free space, then resume with \`autoopt run --session\``;
      await this.driver.stop(reason).catch(() => undefined);
      throw new DiskFullError(full, this.o.session, { cause: error });
    }
  }

  private async drive(): Promise<SessionState> {
    await this.open();
    await this.driver.advance();
    const stop = aborted(this.o.signal);
    for (;;) {
      this.throwFailure();
      if (this.driver.finished !== undefined) return this.driver.state;
      if (this.o.signal.aborted) break;
      const pending = this.pending();
      if (pending.length === 0)
        throw new Error("the session has nothing to run and no reason to stop");
      await Promise.race([...pending, stop]);
      this.throwFailure();
      if (!this.o.signal.aborted) await this.driver.advance();
    }
    await this.settle();
    this.throwFailure();
    await this.driver.step((d) =>
      d.record({
        type: "stopped",
        at: this.now(),
        reason: "interrupted (Ctrl-C); resume with `autoopt run --session`",
      }),
    );
    this.o.onEvent?.({ type: "session-finished", reason: "interrupted" }, this.driver.state);
    return this.driver.state;
  }

  private async open(): Promise<void> {
    await this.store.open();
    const state = this.driver.state;
    if (state.session === "") {
      const baseSha = await this.o.forge.ratchetHead();
      const { settings, config } = this.o;
      return this.driver.step((d) =>
        d.record({
          type: "session",
          at: this.now(),
          session: this.o.session,
          base_sha: baseSha,
          metric: judgedMetric(settings),
          ...sessionObjectives(settings),
          settings: { ...settings },
          ...(config === undefined ? {} : { config }),
        }),
      );
    }
    // Before any record is acted on: a resume would otherwise put the ratchet wherever they say.
    await this.check.session(state, await this.o.forge.ratchetHead());
    const { config } = this.o;
    await this.driver.step((d) => {
      d.record({ type: "resumed", at: this.now() });
      if (config !== undefined && JSON.stringify(d.state.meta.config) !== JSON.stringify(config))
        d.record({ type: "meta", at: this.now(), config });
    });
    await reconcileBranches(this.o.forge, this.driver.state);
  }

  private pending(): Promise<void>[] {
    return [...this.launcher.pending(), ...this.driver.pending()];
  }

  /** Waits for everything in flight, including what settling it starts. */
  private async settle(): Promise<void> {
    for (let pending = this.pending(); pending.length > 0; pending = this.pending())
      await Promise.allSettled(pending);
  }

  private throwFailure(): void {
    const failure = this.launcher.error ?? this.driver.error;
    if (failure !== undefined) throw failure;
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
