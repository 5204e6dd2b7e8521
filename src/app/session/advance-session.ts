import { dispatchHeldout } from "./heldout-runs.ts";
import type { SessionContext } from "./session-context.ts";

/**
 * Starts what the core says to start now, through the driver. Once the session is over and
 * nothing runs, the ratchet is final: the promotion's held-out runs start (once per commit).
 */
export async function advanceSession(ctx: SessionContext): Promise<void> {
  await ctx.driver.advance();
  await afterFinish(ctx);
}

/** The session's end, as far as it goes beyond the ledger: the held-out runs of the promotion. */
export async function afterFinish(ctx: SessionContext): Promise<void> {
  if (ctx.driver.finished === undefined || ctx.state.meta.closed) return;
  await ctx.flush();
  await dispatchHeldout(ctx);
}
