import type { SessionState } from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import type { ArchiveWriter } from "./archive-writer.ts";
import type { ProposalMaker } from "./ports.ts";
import type { Made, NoProposal, Outcome, Proposing } from "./proposing.ts";

/** A local session's proposals: asked of the proposer, kept in the session folder's archive. */
export class LocalProposals implements ProposalMaker {
  private readonly proposing: Proposing;
  private readonly forge: Forge;
  private readonly archive: ArchiveWriter;
  private readonly clock: () => number;
  readonly kind: string;

  constructor(o: {
    proposing: Proposing;
    forge: Forge;
    archive: ArchiveWriter;
    kind: string;
    clock: () => number;
  }) {
    this.proposing = o.proposing;
    this.forge = o.forge;
    this.archive = o.archive;
    this.kind = o.kind;
    this.clock = o.clock;
  }

  make(state: () => SessionState, signal: AbortSignal): Promise<Outcome> {
    return this.proposing.make(state, signal);
  }

  async saved(n: number, made: Made, sha: string): Promise<void> {
    const diff = await this.forge.diff(made.parent, sha);
    const where = { parent: made.parent, sha, proposer: this.kind };
    await this.archive.saveProposal(n, made.proposal, where, diff);
  }

  async failed(state: SessionState, outcome: NoProposal): Promise<void> {
    if (outcome.type !== "failed") return;
    const at = new Date(this.clock()).toISOString();
    await this.archive.saveFailedProposal(at, state.failedProposals.count + 1, outcome);
  }
}
