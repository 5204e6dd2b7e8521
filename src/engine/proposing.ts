import {
  judgedMetric,
  type SessionState,
  type Settings,
  type TaskFacts,
  type Tokens,
} from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import {
  type Proposal,
  type ProposalContext,
  ProposalFailedError,
  type Proposer,
  TokenCapError,
  type ToolBox,
} from "../proposer/index.ts";
import type { ArchiveWriter } from "./archive-writer.ts";
import { filesHash, historyOf } from "./history.ts";
import { Mutex } from "./mutex.ts";
import { gateProposal, leakProblem } from "./proposal-gate.ts";
import { ProposalScope } from "./proposal-scope.ts";

export interface ProposingOptions {
  forge: Forge;
  archive: ArchiveWriter;
  proposer: Proposer;
  editable: readonly string[];
  locked?: readonly string[];
  program: string;
  settings: Settings;
  /** Tools over the archive for proposers that read it, built fresh for each proposal. */
  toolsFor?: (state: SessionState, files: ReadonlyMap<string, string>) => Promise<ToolBox>;
  /** Runs the configured pre-check on candidate files made on `parent`. */
  precheck?: (parent: string, files: ReadonlyMap<string, string>) => Promise<string | undefined>;
  /** The task set's ids and answers, which no candidate may embed (harness mode). */
  taskFacts?: () => Promise<TaskFacts>;
}

/** What asking the proposer came to. */
export type Outcome =
  | { type: "made"; made: Made }
  /** Nothing was produced this time (every attempt rejected); the session goes on. */
  | { type: "failed"; reason: string; tokens?: Tokens; transcript?: unknown }
  /** The proposer has nothing left to try, or the token cap is spent: the session stops. */
  | { type: "done"; reason: string; tokens?: Tokens };

/** A proposal that ended without a candidate, or the error to pass on when it is not one. */
export type NoProposal = Extract<Outcome, { type: "failed" | "done" }>;

/**
 * How a proposer's error counts: a spent token cap stops the session, a failed proposal is
 * recorded and the session goes on, anything else is a bug and is thrown again.
 */
export function outcomeOfError(error: unknown): NoProposal {
  if (error instanceof TokenCapError)
    return { type: "done", reason: error.message, tokens: error.tokens };
  if (!(error instanceof ProposalFailedError)) throw error;
  return {
    type: "failed",
    reason: error.message,
    ...(error.tokens ? { tokens: error.tokens } : {}),
    ...(error.transcript === undefined ? {} : { transcript: error.transcript }),
  };
}

/** A checked proposal, its editable-set hash, and the ratchet head it was made against. */
export interface Made {
  proposal: Proposal;
  hash: string;
  parent: string;
}

/** Gathers what a proposer needs at the ratchet head, asks it, and checks what comes back. */
export class Proposing {
  private readonly o: ProposingOptions;
  private readonly scope: ProposalScope;
  /** One proposal at a time, so parallel proposals see each other and never coincide. */
  private readonly queue = new Mutex();
  /** Candidates handed out by this process, recorded in the ledger or about to be. */
  private readonly handedOut = new Set<string>();

  constructor(options: ProposingOptions) {
    this.o = options;
    this.scope = new ProposalScope(options.editable, options.locked);
  }

  make(state: () => SessionState, signal: AbortSignal): Promise<Outcome> {
    return this.queue.run(async () => {
      try {
        const made = await this.makeNow(state(), signal);
        if (made) return { type: "made", made };
        return {
          type: "done",
          reason: `the ${this.o.proposer.kind} proposer has nothing new to try`,
        };
      } catch (error) {
        return outcomeOfError(error);
      }
    });
  }

  private async makeNow(state: SessionState, signal: AbortSignal): Promise<Made | undefined> {
    const head = state.ratchetSha;
    const paths = (await this.o.forge.listFiles(head)).filter((p) => this.isEditable(p));
    const files = await this.o.forge.readFiles(head, paths);
    const program =
      (await this.o.forge.readFiles(head, [this.o.program])).get(this.o.program) ?? "";
    const tried = new Set(state.experiments.flatMap((e) => (e?.filesHash ? [e.filesHash] : [])));
    for (const hash of this.handedOut) tried.add(hash);
    tried.add(filesHash(files));
    const hashOf = (changed: ReadonlyMap<string, string>) =>
      filesHash(new Map([...files, ...changed]));
    const facts = await this.o.taskFacts?.();
    const leakOf = (changed: ReadonlyMap<string, string>) => leakProblem(files, changed, facts);
    const precheck = this.o.precheck;
    const context: ProposalContext = {
      experiment: state.experiments.length + 1,
      seed: this.o.settings.seed,
      metric: judgedMetric(this.o.settings),
      program,
      files,
      history: historyOf(state),
      alreadyTried: (changed) => tried.has(hashOf(changed)),
      isEditable: (path) => this.isEditable(path),
      rules: this.scope.rules(state, this.o.settings),
      tokensUsed: state.tokensUsed,
      diffOf: (n) => this.o.archive.readDiff(n),
      signal,
      ...(this.o.toolsFor ? { tools: await this.o.toolsFor(state, files) } : {}),
      ...(precheck || facts
        ? {
            precheck: async (changed) =>
              leakOf(changed) ?? (await precheck?.(head, changed)) ?? undefined,
          }
        : {}),
    };
    const proposal = await this.o.proposer.propose(context);
    if (proposal === undefined) return undefined;
    const kind = this.o.proposer.kind;
    const hash = gateProposal({ proposal, files, kind, scope: this.scope, facts, tried, hashOf });
    this.handedOut.add(hash);
    return { proposal, hash, parent: head };
  }

  isEditable(path: string): boolean {
    return this.scope.isEditable(path);
  }
}
