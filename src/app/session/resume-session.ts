import { ratchetPositions, type SessionState } from "../../core/index.ts";
import { advanceSession } from "./advance-session.ts";
import { reconcileRuns } from "./complete-run.ts";
import { reconcileHeldout } from "./heldout-runs.ts";
import type { SessionContext } from "./session-context.ts";
import { refreshReports } from "./session-report.ts";

/**
 * Picks a session up after a restart, from what GitHub holds: the ratchet put where the ledger
 * says (a keep written just before a crash may not have moved it), every running experiment
 * matched to its run, then the session advanced. The process that stopped may have died between
 * a write and its reports, and this one remembers none of them: the promotion PR (when something
 * was kept) and the status comment are brought up to date once, whatever changed.
 */
export async function resumeSession(ctx: SessionContext): Promise<void> {
  await mendRatchet(ctx, ctx.state);
  await reconcileRuns(ctx);
  await reconcileHeldout(ctx);
  await advanceSession(ctx);
  await ctx.flush();
  ctx.reports.promotionStale ||= ctx.state.experiments.some((e) => e?.outcome === "keep");
  await refreshReports(ctx);
}

/**
 * Fast-forwards the ratchet to the ledger's head when it stopped at a position the ledger knows
 * (the session's base or an earlier keep). Anywhere else it was moved outside autoopt: it is
 * left there, and the next keep says so.
 */
async function mendRatchet(ctx: SessionContext, state: SessionState): Promise<void> {
  const head = await ctx.forge.ratchetHead();
  if (head === state.ratchetSha) return;
  if (!ratchetPositions(state).has(head)) return;
  if (await ctx.forge.advanceRatchet(head, state.ratchetSha))
    ctx.log.info(`${ctx.session}: moved the ratchet to ${state.ratchetSha}, as its ledger says`);
}
