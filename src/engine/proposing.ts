import picomatch from "picomatch";
import type { SessionState } from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import type { Proposal, Proposer } from "../proposer/index.ts";
import type { ArchiveWriter } from "./archive-writer.ts";
import { filesHash, historyOf } from "./history.ts";
import { Mutex } from "./mutex.ts";

export interface ProposingOptions {
  forge: Forge;
  archive: ArchiveWriter;
  proposer: Proposer;
  editable: readonly string[];
  locked?: readonly string[];
  program: string;
  settings: { seed: number; metric: { name: string; goal: "minimize" | "maximize" } };
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
  private readonly editable: (path: string) => boolean;
  private readonly locked: (path: string) => boolean;
  /** One proposal at a time, so parallel proposals see each other and never coincide. */
  private readonly queue = new Mutex();
  /** Candidates handed out by this process, recorded in the ledger or about to be. */
  private readonly handedOut = new Set<string>();

  constructor(options: ProposingOptions) {
    this.o = options;
    this.editable = picomatch([...options.editable], { dot: true });
    this.locked = options.locked?.length
      ? picomatch([...options.locked], { dot: true })
      : () => false;
  }

  make(state: () => SessionState, signal: AbortSignal): Promise<Made | undefined> {
    return this.queue.run(() => this.makeNow(state(), signal));
  }

  private async makeNow(state: SessionState, signal: AbortSignal): Promise<Made | undefined> {
    const head = state.ratchetSha;
    const paths = (await this.o.forge.listFiles(head)).filter(
      (p) => this.editable(p) && !this.locked(p),
    );
    const files = await this.o.forge.readFiles(head, paths);
    const program =
      (await this.o.forge.readFiles(head, [this.o.program])).get(this.o.program) ?? "";
    const tried = new Set(state.experiments.flatMap((e) => (e?.filesHash ? [e.filesHash] : [])));
    for (const hash of this.handedOut) tried.add(hash);
    tried.add(filesHash(files));
    const hashOf = (changed: ReadonlyMap<string, string>) =>
      filesHash(new Map([...files, ...changed]));
    const proposal = await this.o.proposer.propose({
      experiment: state.experiments.length + 1,
      seed: this.o.settings.seed,
      metric: this.o.settings.metric,
      program,
      files,
      history: historyOf(state),
      alreadyTried: (changed) => tried.has(hashOf(changed)),
      signal,
    });
    if (proposal === undefined) return undefined;
    this.check(proposal, files);
    const hash = hashOf(proposal.files);
    if (tried.has(hash))
      throw new Error(`the ${this.o.proposer.kind} proposer repeated a candidate already tried`);
    this.handedOut.add(hash);
    return { proposal, hash, parent: head };
  }

  /** Commits a proposal as experiment `n` on its own branch and archives it; returns the commit. */
  async commit(n: number, made: Made): Promise<string> {
    const { forge, archive, proposer } = this.o;
    const { proposal, parent } = made;
    const message = proposal.description;
    const sha = await forge.commitCandidate({
      experiment: n,
      parent,
      files: proposal.files,
      message,
    });
    const diff = await forge.diff(parent, sha);
    await archive.saveProposal(n, proposal, { parent, sha, proposer: proposer.kind }, diff);
    return sha;
  }

  /** Edits outside scope never reach a commit, whatever the proposer returned. */
  private check(proposal: Proposal, files: ReadonlyMap<string, string>): void {
    const problems: string[] = [];
    for (const [path, content] of proposal.files) {
      if (path.startsWith(".github/") || !this.editable(path) || this.locked(path)) {
        problems.push(`${path} is not an editable file`);
      } else if (files.get(path) === content) problems.push(`${path} is unchanged`);
    }
    if (proposal.files.size === 0) problems.push("it changes no file");
    if (problems.length > 0) {
      throw new Error(
        `the ${this.o.proposer.kind} proposer returned an invalid proposal: ${problems.join("; ")}`,
      );
    }
  }
}
