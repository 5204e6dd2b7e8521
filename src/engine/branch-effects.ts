import { type Decision, experiment, type SessionState } from "../core/index.ts";
import type { Forge } from "../forge/forge.ts";
import type { FrontierRefs } from "./frontier-refs.ts";

/**
 * What a recorded verdict does to the branches: a keep fast-forwards the ratchet from `before`
 * (a compare-and-swap), a discard or crash drops the candidate's branch, and the frontier's
 * branches follow the new membership. The ledger was written first; these only carry it out.
 */
export async function applyVerdict(
  forge: Forge,
  frontier: FrontierRefs,
  state: SessionState,
  before: string,
  decision: Decision,
): Promise<void> {
  const target = experiment(state, decision.target);
  if (decision.outcome === "keep" && target) {
    if (!(await forge.advanceRatchet(before, target.sha))) {
      throw new Error(
        `the ratchet moved outside this session while exp-${target.id} was kept; restart with --session to reconcile`,
      );
    }
  } else if (
    (decision.outcome === "discard" || decision.outcome === "crash") &&
    target &&
    target.kind !== "baseline"
  ) {
    await forge.dropExperiment(target.id);
  }
  await frontier.sync(state);
}

/**
 * On resume the ledger is the truth: a crash between recording a verdict and moving a ref is
 * mended here — the ratchet put where the ledger says, dropped candidates' branches deleted, the
 * frontier's branches set.
 */
export async function reconcileBranches(
  forge: Forge,
  frontier: FrontierRefs,
  state: SessionState,
): Promise<void> {
  if ((await forge.ratchetHead()) !== state.ratchetSha) await forge.resetRatchet(state.ratchetSha);
  for (const e of state.experiments) {
    if (e?.phase === "final" && e.outcome !== "keep" && e.kind !== "baseline")
      await forge.dropExperiment(e.id);
  }
  await frontier.sync(state);
}
