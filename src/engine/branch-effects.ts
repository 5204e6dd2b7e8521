import {
  type Decision,
  type Experiment,
  experiment,
  ratchetPositions,
  type SessionState,
  sessionFrontier,
} from "../core/index.ts";
import type { Forge, FrontierMember } from "../forge/forge.ts";
import { type RefMove, ratchetMovedOutside } from "../forge/ref-moves.ts";

export { ratchetMovedOutside };

/**
 * What a verdict does to the branches, as ref moves made with its ledger write: a keep
 * fast-forwards the ratchet from where `before` had it, a discard or crash drops the candidate's
 * branch, and the frontier's branches follow when the verdict changed who is on it.
 */
export function verdictMoves(
  before: SessionState,
  after: SessionState,
  decision: Decision,
): RefMove[] {
  const moves: RefMove[] = [];
  const target = experiment(after, decision.target);
  if (decision.outcome === "keep" && target)
    moves.push({ type: "ratchet", from: before.ratchetSha, to: target.sha });
  else if ((decision.outcome === "discard" || decision.outcome === "crash") && hasBranch(target))
    moves.push({ type: "drop", experiment: decision.target });
  const was = frontierOf(before);
  const now = frontierOf(after);
  if (after.objectives.length >= 2 && key(was) !== key(now))
    moves.push({ type: "frontier", before: was, after: now });
  return moves;
}

/** Candidates and re-bases have a commit, and so a branch, of their own; baselines and confirmations do not. */
export function hasBranch(x: Experiment | undefined): boolean {
  return x?.kind === "candidate" || x?.kind === "rebase";
}

/**
 * Makes a step's ref moves one by one through the forge, for a store that cannot make them with
 * its write (locally: after the ledger file). Each is safe to make again. The ratchet, when it is
 * not where `before` had it: already at the kept commit (made before a crash), or behind at a
 * position the ledger knows (an earlier keep's move was lost to a crash) and then put where the
 * ledger says; anywhere else it was moved outside autoopt, and nothing is moved.
 */
export async function applyMoves(
  forge: Forge,
  before: SessionState,
  moves: readonly RefMove[],
): Promise<void> {
  for (const move of moves) {
    switch (move.type) {
      case "ratchet":
        await moveRatchet(forge, before, move.from, move.to);
        break;
      case "experiment":
        await forge.setExperimentBranch(move.experiment, move.sha);
        break;
      case "drop":
        await forge.dropExperiment(move.experiment);
        break;
      case "frontier":
        await forge.markFrontier(move.after);
    }
  }
}

/**
 * On a start or a resume the ledger is the truth: a crash between recording a verdict and moving
 * a ref is mended here — the ratchet put where the ledger says, dropped candidates' branches
 * deleted, the frontier's branches set.
 */
export async function reconcileBranches(forge: Forge, state: SessionState): Promise<void> {
  if ((await forge.ratchetHead()) !== state.ratchetSha) await forge.resetRatchet(state.ratchetSha);
  for (const e of state.experiments) {
    if (e?.phase === "final" && e.outcome !== "keep" && e.kind !== "baseline")
      await forge.dropExperiment(e.id);
  }
  if (state.objectives.length >= 2) await forge.markFrontier(frontierOf(state));
}

async function moveRatchet(
  forge: Forge,
  before: SessionState,
  from: string,
  to: string,
): Promise<void> {
  if (await forge.advanceRatchet(from, to)) return;
  const head = await forge.ratchetHead();
  if (head === to) return;
  if (ratchetPositions(before).has(head)) return forge.resetRatchet(to);
  throw ratchetMovedOutside(before.session, head, from);
}

function frontierOf(state: SessionState): FrontierMember[] {
  return sessionFrontier(state).map((p) => ({ experiment: p.id, sha: p.sha }));
}

function key(members: readonly FrontierMember[]): string {
  return members.map((m) => `${m.experiment}:${m.sha}`).join(",");
}
