import type { SessionContext } from "./session-context.ts";
import { refreshReports, reportFailure } from "./session-report.ts";

/**
 * One unit of work on a session, run in the session's queue: reload the state from the ledger
 * branch, do the work, write what it recorded, then report (promotion PR after a keep, status
 * comment) and make the proposals wanted ahead. A failure is told on the issue rather than lost in a log, and what the job had not
 * written is forgotten: the next event starts again from the ledger.
 */
export async function runJob(
  ctx: SessionContext,
  what: string,
  work: () => Promise<void>,
  options: { cached?: boolean } = {},
): Promise<void> {
  try {
    await ctx.sync(options);
    if (!ctx.exists) {
      ctx.log.info(
        `${what}: ${ctx.owner}/${ctx.repo} has no autoopt session ${ctx.session}; ignored`,
      );
      return;
    }
    const before = ctx.changes;
    await work();
    await ctx.flush();
    if (ctx.changes !== before) await refreshReports(ctx);
    // With the runners busy, the proposals for the slots that free next are made now.
    const reported = ctx.changes;
    await ctx.driver.proposeAhead();
    if (ctx.changes !== reported) await refreshReports(ctx);
  } catch (error) {
    await reportFailure(ctx, error).catch((failed: unknown) =>
      ctx.log.error(`${ctx.session}: could not report a failure: ${String(failed)}`),
    );
    ctx.discard();
  }
}
