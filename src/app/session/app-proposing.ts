import type { Config } from "../../config/index.ts";
import { experiment, type SessionState, type Settings, type TaskFacts } from "../../core/index.ts";
import { filesHash, historyOf, outcomeOfError, ProposalScope } from "../../engine/index.ts";
import { gateProposal, leakProblem } from "../../engine/proposal-gate.ts";
import type { NoProposal } from "../../engine/proposing.ts";
import type { Forge } from "../../forge/forge.ts";
import type { Proposal, ProposalContext, Proposer, ToolBox } from "../../proposer/index.ts";

/** The archive tools for one proposal; closing them stops the index's query process. */
export interface OpenTools {
  box: ToolBox;
  close(): void;
}

interface HeadFiles {
  head: string;
  files: Map<string, string>;
  program: string;
}

/** What asking the proposer came to (as in the engine's Proposing). */
export type ProposalOutcome =
  | { type: "made"; proposal: Proposal; hash: string; parent: string }
  | NoProposal;

export interface AppProposingOptions {
  forge: Forge;
  proposer: Proposer;
  config: Config;
  settings: Settings;
  /** The archive tools over the session's cache, opened for one proposal (none: no tools). */
  toolsFor?: (
    state: SessionState,
    files: ReadonlyMap<string, string>,
  ) => Promise<OpenTools | undefined>;
  /** An earlier experiment's diff from the cache, read before asking GitHub. */
  cachedDiff?: (experiment: number) => Promise<string | undefined>;
  /** The task set's ids and answers, from the traces of the runs cached so far (harness mode). */
  taskFacts?: () => Promise<TaskFacts>;
}

/**
 * The App's counterpart of the engine's Proposing: the context comes from the ratchet head's
 * files read through the forge. With an archive cache (see SessionArchive) the proposer gets the
 * same read-only tools as a local session, over what this process cached; the diff of an
 * earlier experiment comes from the cache, else from GitHub.
 */
export class AppProposing {
  private readonly forge: Forge;
  private readonly proposer: Proposer;
  private readonly config: Config;
  private readonly settings: Settings;
  private readonly scope: ProposalScope;
  private readonly toolsFor: AppProposingOptions["toolsFor"];
  private readonly cachedDiff: AppProposingOptions["cachedDiff"];
  private readonly taskFacts: AppProposingOptions["taskFacts"];
  private atHead: HeadFiles | undefined;
  /** Files of the candidates committed on the current head, by commit, for when one is kept. */
  private readonly candidates = new Map<string, HeadFiles>();

  constructor(options: AppProposingOptions) {
    this.forge = options.forge;
    this.toolsFor = options.toolsFor;
    this.cachedDiff = options.cachedDiff;
    this.taskFacts = options.taskFacts;
    this.proposer = options.proposer;
    this.config = options.config;
    this.settings = options.settings;
    this.scope = new ProposalScope(options.config.editable, options.config.locked);
  }

  get kind(): string {
    return this.proposer.kind;
  }

  async make(state: SessionState): Promise<ProposalOutcome> {
    try {
      return await this.makeNow(state);
    } catch (error) {
      return outcomeOfError(error);
    }
  }

  private async makeNow(state: SessionState): Promise<ProposalOutcome> {
    const { files, program } = await this.read(state.ratchetSha);
    const tried = new Set(state.experiments.flatMap((e) => (e?.filesHash ? [e.filesHash] : [])));
    tried.add(filesHash(files));
    const hashOf = (changed: ReadonlyMap<string, string>) =>
      filesHash(new Map([...files, ...changed]));
    const facts = await this.taskFacts?.();
    const context = {
      ...this.context(state, { files, program }, (changed) => tried.has(hashOf(changed))),
      ...(facts
        ? {
            precheck: async (changed: ReadonlyMap<string, string>) =>
              leakProblem(files, changed, facts),
          }
        : {}),
    };
    const tools = await this.toolsFor?.(state, files);
    let proposal: Proposal | undefined;
    try {
      proposal = await this.proposer.propose(tools ? { ...context, tools: tools.box } : context);
    } finally {
      tools?.close();
    }
    if (proposal === undefined)
      return { type: "done", reason: `the ${this.proposer.kind} proposer has nothing new to try` };
    const kind = this.proposer.kind;
    const hash = gateProposal({ proposal, files, kind, scope: this.scope, facts, tried, hashOf });
    return { type: "made", proposal, hash, parent: state.ratchetSha };
  }

  /**
   * The editable files and the direction at the ratchet head. A commit never changes, so they
   * are read once per head: after a discard the next proposal costs no API request to read them.
   */
  private async read(head: string): Promise<HeadFiles> {
    if (this.atHead?.head === head) return this.atHead;
    const kept = this.candidates.get(head);
    this.candidates.clear();
    if (kept) {
      this.atHead = kept;
      return kept;
    }
    const paths = (await this.forge.listFiles(head)).filter((p) => this.isEditable(p));
    const program = this.config.program;
    const files = await this.forge.readFiles(head, [...paths, program]);
    const text = files.get(program) ?? "";
    if (!paths.includes(program)) files.delete(program);
    this.atHead = { head, files, program: text };
    return this.atHead;
  }

  /** Remembers a committed candidate's files: its tree is its parent's with the proposal applied. */
  remember(sha: string, made: { proposal: Proposal; parent: string }): void {
    if (this.atHead?.head !== made.parent) return;
    const files = new Map([...this.atHead.files, ...made.proposal.files]);
    const program = made.proposal.files.get(this.config.program) ?? this.atHead.program;
    this.candidates.set(sha, { head: sha, files, program });
  }

  private context(
    state: SessionState,
    { files, program }: Pick<HeadFiles, "files" | "program">,
    alreadyTried: (changed: ReadonlyMap<string, string>) => boolean,
  ): ProposalContext {
    return {
      experiment: state.experiments.length + 1,
      seed: this.settings.seed,
      metric: this.settings.metric,
      program,
      files,
      history: historyOf(state),
      alreadyTried,
      isEditable: (path) => this.isEditable(path),
      rules: this.scope.rules(state, this.settings),
      tokensUsed: state.tokensUsed,
      diffOf: (n) => this.diffOf(state, n),
    };
  }

  private async diffOf(state: SessionState, n: number): Promise<string | undefined> {
    const x = experiment(state, n);
    if (!x || x.sha === x.parent) return undefined;
    const cached = await this.cachedDiff?.(n);
    if (cached !== undefined) return cached;
    return this.forge.diff(x.parent, x.sha).catch(() => undefined);
  }

  isEditable(path: string): boolean {
    return this.scope.isEditable(path);
  }
}
