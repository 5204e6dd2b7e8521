import { type SessionState, sessionFrontier } from "../core/index.ts";
import type { Forge, FrontierMember } from "../forge/forge.ts";

/**
 * Keeps the frontier's branches in step with the ledger, touching the forge only when the set of
 * members changes (on GitHub every touch is API calls). The first sync after a start or a resume
 * always writes, so branches left behind by a crash are mended.
 */
export class FrontierRefs {
  private readonly forge: Forge;
  private marked: string | undefined;

  constructor(forge: Forge) {
    this.forge = forge;
  }

  async sync(state: SessionState): Promise<void> {
    if (state.objectives.length < 2) return;
    const members: FrontierMember[] = sessionFrontier(state).map((p) => ({
      experiment: p.id,
      sha: p.sha,
    }));
    const key = members.map((m) => `${m.experiment}:${m.sha}`).join(",");
    if (key === this.marked) return;
    await this.forge.markFrontier(members);
    this.marked = key;
  }
}
