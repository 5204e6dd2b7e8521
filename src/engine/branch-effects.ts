import {
  type Decision,
  experiment,
  ratchetPositions,
  type SessionState,
  sessionFrontier,
} from "../core/index.ts";
import type { Forge, FrontierMember } from "../forge/forge.ts";

/**
 * What a recorded verdict does to the branches: a keep fast-forwards the ratchet (a
 * compare-and-swap from where `before` had it), a discard or crash drops the candidate's branch,
 * and the frontier's branches follow when the verdict changed who is on it. The ledger was
 * written first; these only carry it out, so each is safe to carry out again.
 */
export async function applyVerdict(
  forge: Forge,
  before: SessionState,
  after: SessionState,
  decision: Decision,
): Promise<void> {
  const target = experiment(after, decision.target);
  if (decision.outcome === "keep" && target) await moveRatchet(forge, before, target.sha);
  else if (
    (decision.outcome === "discard" || decision.outcome === "crash") &&
    target &&
    target.kind !== "baseline"
  )
    await forge.dropExperiment(target.id);
  const members = frontierOf(after);
  if (after.objectives.length >= 2 && key(frontierOf(before)) !== key(members))
    await forge.markFrontier(members);
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

/**
 * The ratchet from where the ledger had it to `to`. When it is elsewhere: already at `to` (this
 * keep was carried out before a crash or by another replica), or behind at a position the ledger
 * knows (an earlier keep's move was lost to a crash) and then put where the ledger says; anywhere
 * else it was moved outside autoopt, and nothing is moved.
 */
async function moveRatchet(forge: Forge, before: SessionState, to: string): Promise<void> {
  const from = before.ratchetSha;
  if (await forge.advanceRatchet(from, to)) return;
  const head = await forge.ratchetHead();
  if (head === to) return;
  if (ratchetPositions(before).has(head)) return forge.resetRatchet(to);
  throw ratchetMovedOutside(before.session, head, from);
}

/** The ratchet is somewhere this session never put it: what to do about it. */
export function ratchetMovedOutside(session: string, head: string, recorded: string): Error {
  return new Error(
    `the branch autoopt/${session}/ratchet was moved outside autoopt: it is at ${head}, the session's ledger says ${recorded}; move it back to ${recorded} so the session can go on, or stop the session`,
  );
}

function frontierOf(state: SessionState): FrontierMember[] {
  return sessionFrontier(state).map((p) => ({ experiment: p.id, sha: p.sha }));
}

function key(members: readonly FrontierMember[]): string {
  return members.map((m) => `${m.experiment}:${m.sha}`).join(",");
}
