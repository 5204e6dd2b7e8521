import type { SessionState } from "../../core/index.ts";
import type { ProposalMaker } from "../../engine/ports.ts";
import type { Made, NoProposal, Outcome } from "../../engine/proposing.ts";
import { archiveFailedProposal, archiveProposal } from "./archive-writes.ts";
import type { SessionContext } from "./session-context.ts";

/** An App session's proposals: asked of the session's proposer, kept in its archive cache. */
export class AppProposals implements ProposalMaker {
  private readonly ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  get kind(): string {
    return this.ctx.proposing.kind;
  }

  async make(state: () => SessionState): Promise<Outcome> {
    const outcome = await this.ctx.proposing.make(state());
    if (outcome.type !== "made") return outcome;
    const { proposal, hash, parent } = outcome;
    return { type: "made", made: { proposal, hash, parent } };
  }

  async saved(n: number, made: Made, sha: string): Promise<void> {
    this.ctx.proposing.remember(sha, made);
    await archiveProposal(this.ctx, n, made, sha);
  }

  async failed(state: SessionState, outcome: NoProposal): Promise<void> {
    await archiveFailedProposal(this.ctx, state.experiments.length + 1, outcome);
  }
}
