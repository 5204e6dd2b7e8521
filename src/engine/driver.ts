import {
  type Action,
  applyEvent,
  decide,
  experiment,
  type LedgerEvent,
  nextActions,
  type Proposed,
  proposalsAhead,
  type RunSummary,
  replay,
  type SessionState,
  type Settings,
} from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import { applyMoves, hasBranch, ratchetMovedOutside, verdictMoves } from "./branch-effects.ts";
import { Draft, type MadeProposal } from "./draft.ts";
import type { EngineEvent } from "./engine-event.ts";
import { Mutex } from "./mutex.ts";
import type { LedgerStore, ProposalMaker, RunLauncher } from "./ports.ts";
import { ProposalPool } from "./proposal-pool.ts";
import type { Made } from "./proposing.ts";

/** Plans tried before giving up when other writers keep recording first. */
const ATTEMPTS = 5;
/** Proposals whose time to make counts as how long proposing takes of late. */
const RECENT = 5;
/** Rounds of actions one step may take; the core settles far sooner (each round fills the slots). */
const MAX_ROUNDS = 64;

type Proposal = Omit<Proposed, "type" | "at" | "experiment">;

/** A run the launcher could not start. */
interface Refusal {
  n: number;
  reason: string;
  stop: boolean;
}

export interface DriverOptions {
  session: string;
  /** The settings a state runs under (the App's come from the config its ledger records). */
  settings: (state: SessionState) => Settings;
  store: LedgerStore;
  forge: Forge;
  launcher: RunLauncher;
  proposals: ProposalMaker;
  /** Milliseconds since the epoch; the driver never reads the clock itself. */
  clock: () => number;
  signal: AbortSignal;
  /**
   * Where proposals are made: inside the step that needs one (the App, whose runs are elsewhere)
   * or as tasks of their own beside the runs in flight (locally, where a run is a child process).
   */
  proposeInline: boolean;
  /** Checks an experiment's records against git before its verdict moves a branch. */
  verify?: (state: SessionState, n: number) => Promise<void>;
  /** After each write, with the events written and the state they make. */
  onWritten?: (events: readonly LedgerEvent[], state: SessionState) => Promise<void> | void;
  /** Adds to a step that finds the session over, before it is written (the App's request count). */
  onFinishing?: (d: Draft) => void;
  /** The session is over and nothing is in flight; called each time a step finds it so. */
  onFinish?: (reason: string, state: SessionState) => Promise<void>;
  onEvent?: (event: EngineEvent, state: SessionState) => void;
}

/**
 * The one driver of a session, for both forges. Every change of state is a step: it plans on a
 * draft of the state (asks the core, judges runs, starts experiments), writes the draft's events
 * with one compare-and-swap together with its ref moves (on GitHub in the same atomic request),
 * and only then carries out its effects through the run launcher. A step that lost the swap to another writer (an App replica, a redelivery) is
 * planned again on the state that won, so a stale decision is never recorded. Every gate a
 * candidate passes (edit scope, locked files, leakage, precheck) is in the proposal maker and the
 * runner this driver is given; there is no other way for a forge to start a run.
 */
export class Driver {
  private readonly o: DriverOptions;
  private current: SessionState;
  private readonly mutex = new Mutex();
  /** Facts to write with the next step's events; a `due` one is written by the next flush too. */
  private notes: { event: LedgerEvent; due: boolean }[] = [];
  /** Proposals in hand and not recorded: being made, made ahead, or made for a lost plan. */
  private readonly pool = new ProposalPool();
  /** Stops the proposals being made ahead once the session is over. */
  private readonly over = new AbortController();
  private aheadBusy = false;
  /** How long the last proposals took to make, in milliseconds (for `propose_ahead: auto`). */
  private readonly proposeTimes: number[] = [];
  private readonly tasks = new Set<Promise<void>>();
  private refused: Refusal[] = [];
  private failure: unknown;
  /** The reason, once a step found the session over. */
  finished: string | undefined;

  constructor(options: DriverOptions, events: readonly LedgerEvent[] = []) {
    this.o = options;
    this.current = replay(events);
  }

  get state(): SessionState {
    return this.current;
  }

  /** The first error of a task of the driver's own (a proposal made beside the runs). */
  get error(): unknown {
    return this.failure;
  }

  /** Proposals in flight as tasks of their own. */
  pending(): Promise<void>[] {
    return [...this.tasks];
  }

  /** Reloads the state from the store, keeping the notes it does not hold yet. */
  reload(): Promise<SessionState> {
    return this.mutex.run(() => this.reloadNow());
  }

  /**
   * Records a fact rather than a decision (which run executes an experiment, a command's stop,
   * the status comment's id): written with the next step's events, or by the next `flush` when
   * `due`, on top of whatever the ledger holds by then. One not due is only worth writing along
   * with something else: GitHub can tell it again after a restart.
   */
  note(event: LedgerEvent, due = false): void {
    this.notes.push({ event, due });
    this.current = applyEvent(this.current, event);
  }

  /** Writes the facts that are due, if any. */
  flush(): Promise<void> {
    return this.step(() => undefined);
  }

  /** Facts noted and not written yet. */
  get unwritten(): LedgerEvent[] {
    return this.notes.map((n) => n.event);
  }

  /** Forgets what was noted and not written, and the state: the next step starts from a reload. */
  forget(): void {
    this.notes = [];
    this.current = replay([]);
  }

  /**
   * A unit of work: `plan` records on a draft; the draft is written, then its effects run. Also
   * the way for callers to record their own events (a command's stop, a session's start).
   */
  async step(plan: (d: Draft) => Promise<void> | void): Promise<void> {
    await this.mutex.run(() => this.stepNow(plan));
    // Beside the runs, proposals made ahead are tasks of their own, started after each step.
    if (!this.o.proposeInline) await this.proposeAhead();
  }

  /**
   * Makes the proposals the core wants made ahead (`proposalsAhead`), for the slots that free
   * next: as tasks beside the runs, or here and now (the App, at the end of a job, after its
   * dispatches). Those made wait, unrecorded, for a slot; one that comes to nothing is recorded.
   */
  async proposeAhead(): Promise<void> {
    if (this.aheadBusy) return;
    this.aheadBusy = true;
    try {
      for (let want = this.wantAhead(); want > 0; want = this.wantAhead()) {
        if (!this.o.proposeInline) {
          for (let i = 0; i < want; i++) this.startTask(this.pool.open(false));
          return;
        }
        const made = await this.makeOne(() => this.current, this.o.signal);
        if (made.outcome.type === "made") this.pool.add(made);
        else await this.mutex.run(() => this.stepNow((d) => this.recordProposal(d, made)));
      }
    } finally {
      this.aheadBusy = false;
    }
  }

  /** Launches experiment `n` again (one the ledger shows running whose run never started). */
  relaunch(n: number): Promise<void> {
    return this.step((d) => {
      d.starting.add(n);
      d.after(() => this.launch(n));
    });
  }

  /** Starts whatever the core says to start now. */
  advance(): Promise<void> {
    return this.step((d) => this.fill(d));
  }

  /** Judges experiment `n`'s run, then starts what that makes room for. */
  runEnded(n: number, run: RunSummary): Promise<void> {
    return this.step(async (d) => {
      if (this.o.signal.aborted) {
        if (experiment(d.state, n)?.phase === "running")
          d.record({
            type: "interrupted",
            at: this.now(),
            experiment: n,
            reason: run.reason ?? "interrupted",
          });
        return;
      }
      await this.conclude(d, n, run);
      await this.fill(d);
    });
  }

  /** Stops the session (no new experiment starts; those running finish). */
  stop(reason: string): Promise<void> {
    return this.step(async (d) => {
      if (d.state.stopped === undefined) d.record({ type: "stopped", at: this.now(), reason });
      await this.fill(d);
    });
  }

  private async stepNow(plan: (d: Draft) => Promise<void> | void): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const before = this.current;
      const draft = new Draft(before);
      await plan(draft);
      const { moves } = draft;
      if (draft.events.length > 0 || moves.length > 0 || this.notes.some((n) => n.due)) {
        const written = [...this.notes.map((n) => n.event), ...draft.events];
        if (!(await this.o.store.append(written, moves))) {
          this.pool.add(...draft.proposals);
          await this.reloadNow();
          continue;
        }
        this.notes = [];
        this.current = draft.state;
        await this.o.onWritten?.(written, this.current);
        if (!this.o.store.movesRefs) await applyMoves(this.o.forge, before, moves);
      }
      for (const effect of draft.effects) await effect();
      const refused = this.refused;
      this.refused = [];
      if (refused.length > 0) return this.stepNow((d) => this.concludeRefused(d, refused));
      return;
    }
    throw new Error(
      `session ${this.o.session}: another writer recorded first ${ATTEMPTS} times in a row; retry later, or check that no runaway process writes to its ledger`,
    );
  }

  private async reloadNow(): Promise<SessionState> {
    let state = replay(await this.o.store.load());
    this.notes = this.notes.filter((n) => isNews(state, n.event));
    for (const { event } of this.notes) state = applyEvent(state, event);
    this.current = state;
    return state;
  }

  /** Asks the core what to start, round after round, until every slot is taken. */
  private async fill(d: Draft): Promise<void> {
    if (d.state.meta.closed) return;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const active = new Set([
        ...this.o.launcher.inFlight(d.state),
        ...this.pool.claimed(),
        ...d.starting,
      ]);
      const actions = nextActions(d.state, this.o.settings(d.state), active, this.o.clock());
      if (actions.length === 0) return;
      for (const action of actions) await this.start(d, action);
      if (actions.some((a) => a.type === "finish")) return;
    }
    throw new Error(
      `session ${this.o.session} did not settle after ${MAX_ROUNDS} rounds of actions`,
    );
  }

  private async start(d: Draft, action: Action): Promise<void> {
    switch (action.type) {
      case "baseline": {
        const head = d.state.ratchetSha;
        return this.begin(d, {
          kind: "baseline",
          sha: head,
          parent: head,
          description: "baseline",
        });
      }
      case "confirm":
        return this.confirm(d, action.of);
      case "rebase":
        return this.rebase(d, action.of);
      case "propose":
        return this.propose(d);
      case "rerun":
        d.starting.add(action.experiment);
        d.after(() => this.launch(action.experiment));
        return;
      case "finish": {
        if (d.state.stopped === undefined)
          d.record({ type: "stopped", at: this.now(), reason: action.reason });
        const reason = d.state.stopped ?? action.reason;
        this.dropUnused(d);
        this.o.onFinishing?.(d);
        d.after(async () => {
          this.finished = reason;
          this.over.abort();
          this.emit({ type: "session-finished", reason });
          await this.o.onFinish?.(reason, this.current);
        });
      }
    }
  }

  /** Records experiment `n` (its branch set with the write when it has a commit of its own), then launches it. */
  private begin(d: Draft, p: Proposal, branch?: string): void {
    const n = d.state.experiments.length + 1;
    d.record({ type: "proposed", at: this.now(), experiment: n, ...p });
    d.starting.add(n);
    if (branch !== undefined) d.move({ type: "experiment", experiment: n, sha: branch });
    d.after(() => this.launch(n));
  }

  private async launch(n: number): Promise<void> {
    const launch = await this.o.launcher.launch(n, this.current);
    if (launch.type === "refused") this.refused.push({ n, ...launch });
    else if (launch.note) this.note(launch.note);
  }

  private confirm(d: Draft, of: number): void {
    const target = experiment(d.state, of);
    if (!target) return;
    const k = d.state.experiments.filter((e) => e?.kind === "confirm" && e.of === of).length + 1;
    const description = `confirm exp-${of} (${k}/${this.o.settings(d.state).confirm})`;
    this.begin(d, { kind: "confirm", of, sha: target.sha, parent: target.parent, description });
  }

  /** The winner's change applied on the moved ratchet, as a new experiment; its old branch goes. */
  private async rebase(d: Draft, of: number): Promise<void> {
    const original = experiment(d.state, of);
    if (!original) return;
    const onto = d.state.ratchetSha;
    const message = `${original.description} (re-based from exp-${of})`;
    const sha = await this.o.forge.rebaseCandidate({
      candidate: original.sha,
      parent: original.parent,
      onto,
      message,
    });
    if (hasBranch(original)) d.move({ type: "drop", experiment: of });
    if (typeof sha !== "string") {
      const reason = sha.conflict.split("\n")[0] ?? "conflict";
      d.record({ type: "rebase_failed", at: this.now(), experiment: of, reason });
      return;
    }
    const changes = original.changes === undefined ? {} : { changes: original.changes };
    this.begin(d, { kind: "rebase", of, sha, parent: onto, description: message, ...changes }, sha);
  }

  /**
   * A free slot's proposal: one made ahead (or for a lost plan) when there is one; else, inline,
   * made within this step; else one being made ahead, claimed; else a task of its own, started
   * once the step is written. A slot waiting on a proposal counts as taken.
   */
  private async propose(d: Draft): Promise<void> {
    const waiting = this.pool.take(d.state.ratchetSha);
    if (waiting) {
      d.proposals.push(waiting);
      return this.recordProposal(d, waiting);
    }
    if (this.o.proposeInline) {
      const state = d.state;
      const made = await this.makeOne(() => state, this.o.signal);
      d.proposals.push(made);
      return this.recordProposal(d, made);
    }
    const claimed = this.pool.claim();
    if (claimed !== undefined) {
      d.starting.add(claimed);
      return;
    }
    const key = this.pool.reserve();
    d.starting.add(key);
    d.after(async () => {
      this.pool.open(true, key);
      this.startTask(key);
    });
  }

  /** Asks the proposal maker for one proposal and makes its commit (which moves no branch). */
  private async makeOne(state: () => SessionState, signal: AbortSignal): Promise<MadeProposal> {
    this.emit({ type: "proposing" });
    const began = this.o.clock();
    const outcome = await this.o.proposals.make(state, signal);
    this.proposeTimes.push(this.o.clock() - began);
    if (this.proposeTimes.length > RECENT) this.proposeTimes.shift();
    const parent = outcome.type === "made" ? outcome.made.parent : state().ratchetSha;
    const made: MadeProposal = { outcome, parent };
    if (outcome.type === "made") made.sha = await this.commitOf(outcome.made);
    return made;
  }

  private startTask(key: number): void {
    const task = this.proposeTask(key)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.pool.close(key);
        this.tasks.delete(task);
      });
    this.tasks.add(task);
  }

  /** A proposal made beside the runs: recorded when a slot claimed it (or it came to nothing), else it waits. */
  private async proposeTask(key: number): Promise<void> {
    const signal = AbortSignal.any([this.o.signal, this.over.signal]);
    let made: MadeProposal;
    try {
      made = await this.makeOne(() => this.current, signal);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    if (signal.aborted) return;
    if (made.outcome.type === "made" && !this.pool.isClaimed(key)) {
      this.pool.close(key);
      this.pool.add(made);
      return;
    }
    await this.step(async (d) => {
      this.pool.close(key);
      await this.recordProposal(d, made);
    });
  }

  private wantAhead(): number {
    if (this.finished !== undefined || this.o.signal.aborted) return 0;
    const state = this.current;
    const active = new Set([...this.o.launcher.inFlight(state), ...this.pool.claimed()]);
    const settings = this.o.settings(state);
    const times = this.proposeTimes;
    const ms = times.length === 0 ? undefined : times.reduce((a, b) => a + b, 0) / times.length;
    return proposalsAhead(state, settings, active, this.pool.unclaimed, this.o.clock(), ms);
  }

  /**
   * The session is over: proposals made ahead that no slot took are dropped; the tokens they
   * cost are recorded, so that the session's total stays true.
   */
  private dropUnused(d: Draft): void {
    const unused = this.pool.drain();
    d.proposals.push(...unused);
    for (const { outcome } of unused) {
      const tokens = outcome.type === "made" ? outcome.made.proposal.tokens : undefined;
      if (tokens === undefined) continue;
      const reason = "made ahead and never run: the session ended first";
      d.record({ type: "proposal_failed", at: this.now(), reason, tokens });
    }
  }

  private async recordProposal(d: Draft, made: MadeProposal): Promise<void> {
    const { outcome } = made;
    if (outcome.type !== "made") {
      const before = d.state;
      const tokens = outcome.tokens ? { tokens: outcome.tokens } : {};
      d.record({ type: "proposal_failed", at: this.now(), reason: outcome.reason, ...tokens });
      if (outcome.type === "done")
        d.record({ type: "stopped", at: this.now(), reason: outcome.reason });
      d.after(async () => {
        await this.o.proposals.failed(before, outcome);
        this.emit({ type: "proposal-failed", reason: outcome.reason });
      });
      return;
    }
    made.sha ??= await this.commitOf(outcome.made);
    const sha = made.sha;
    const n = d.state.experiments.length + 1;
    this.begin(d, candidateProposal(outcome.made, sha), sha);
    d.after(() => this.o.proposals.saved(n, outcome.made, sha));
  }

  private commitOf({ proposal, parent }: Made): Promise<string> {
    return this.o.forge.commitCandidate({
      parent,
      files: proposal.files,
      message: proposal.description,
    });
  }

  /** Records what experiment `n`'s run came to; its branches move with the write. */
  private async conclude(d: Draft, n: number, run: RunSummary): Promise<void> {
    const phase = experiment(d.state, n)?.phase;
    // A run already judged (a redelivery, another replica) changes nothing.
    if (phase !== "running" && phase !== "interrupted") return;
    // The run has ended: it may have moved its branch or made commits; none of that may count.
    await this.o.verify?.(d.state, n);
    const decision = decide(d.state, n, run, this.o.settings(d.state));
    // A store that moves refs with its write checks the ratchet there, atomically.
    if (decision.outcome === "keep" && !this.o.store.movesRefs)
      await this.ratchetWhereRecorded(d.state, decision.target);
    const before = d.state;
    d.record({ type: "finished", at: this.now(), experiment: n, run, decision });
    d.move(...verdictMoves(before, d.state, decision));
    d.after(async () => {
      this.emit({ type: "experiment-finished", experiment: n, decision, run });
    });
  }

  /**
   * A keep is recorded only while the ratchet is where the ledger has it (or already at the
   * kept commit: its move was carried out before a crash): one moved by hand keeps nothing, loses
   * nothing, and says how to go on. A store that moves refs with its write checks this itself.
   */
  private async ratchetWhereRecorded(state: SessionState, target: number): Promise<void> {
    const head = await this.o.forge.ratchetHead();
    if (head === state.ratchetSha || head === experiment(state, target)?.sha) return;
    throw ratchetMovedOutside(this.o.session, head, state.ratchetSha);
  }

  /** Runs that could not start are crashes with the reason; one that no run can get past stops the session. */
  private async concludeRefused(d: Draft, refused: readonly Refusal[]): Promise<void> {
    for (const { n, reason, stop } of refused) {
      const run: RunSummary = {
        status: "crash",
        reason,
        metrics: {},
        wall_s: 0,
        exit_code: null,
        signal: null,
      };
      await this.conclude(d, n, run);
      if (stop && d.state.stopped === undefined)
        d.record({ type: "stopped", at: this.now(), reason: `no experiment can run: ${reason}` });
    }
    await this.fill(d);
  }

  private emit(event: EngineEvent): void {
    this.o.onEvent?.(event, this.current);
  }

  private now(): string {
    return new Date(this.o.clock()).toISOString();
  }
}

function candidateProposal(made: Made, sha: string): Proposal {
  const { proposal, parent, hash } = made;
  return {
    kind: "candidate",
    sha,
    parent,
    description: proposal.description,
    files_hash: hash,
    ...(proposal.hypothesis === undefined ? {} : { hypothesis: proposal.hypothesis }),
    ...(proposal.changes === undefined ? {} : { changes: proposal.changes }),
    ...(proposal.tokens === undefined ? {} : { tokens: proposal.tokens }),
  };
}

/** A note the ledger does not hold yet (another writer may have recorded the same fact). */
function isNews(state: SessionState, event: LedgerEvent): boolean {
  if (event.type === "stopped") return state.stopped === undefined;
  if (event.type !== "dispatched") return true;
  const x = experiment(state, event.experiment);
  return x?.phase === "running" && x.dispatch === undefined;
}
