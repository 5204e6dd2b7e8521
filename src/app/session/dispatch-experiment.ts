import { experiment, type RunSummary } from "../../core/index.ts";
import { concludeRun } from "./conclude-run.ts";
import { type DispatchFailure, dispatchRun, findRun } from "./dispatch-run.ts";
import type { SessionContext } from "./session-context.ts";
import { experimentId } from "./session-names.ts";
import { postComment } from "./session-report.ts";

export { findRun } from "./dispatch-run.ts";

/**
 * Starts experiment `n` on GitHub Actions: the experiment workflow, dispatched on the default
 * branch with the experiment's inputs. The run is known by the id GitHub returns, or else by its
 * run-name. A dispatch GitHub refuses becomes a recorded crash with what to fix, and a comment.
 */
export async function dispatchExperiment(ctx: SessionContext, n: number): Promise<void> {
  const x = experiment(ctx.state, n);
  if (!x) return;
  await ctx.flush();
  const dispatch = await dispatchRun(ctx, {
    session: ctx.session,
    experiment: experimentId(n),
    candidate_sha: x.sha,
    base_sha: ctx.state.baseSha,
  });
  switch (dispatch.type) {
    case "refused":
      return refused(ctx, n, dispatch.failure);
    case "started":
      return markDispatched(ctx, n, dispatch.runId, dispatch.url);
    case "sent": {
      const run = await findRun(ctx, n);
      if (run) markDispatched(ctx, n, run.id, run.html_url);
      else
        ctx.log.info(
          `${ctx.session}: ${experimentId(n)} dispatched; its run is matched by run-name when it completes`,
        );
    }
  }
}

/** Remembers which run executes experiment `n` (written with the session's next ledger write). */
export function markDispatched(ctx: SessionContext, n: number, runId: number, url: string): void {
  ctx.defer({
    type: "dispatched",
    at: ctx.now(),
    experiment: n,
    run_id: runId,
    run_url: url,
    api_requests: ctx.apiRequests,
  });
}

async function refused(ctx: SessionContext, n: number, failure: DispatchFailure): Promise<void> {
  const run: RunSummary = {
    status: "crash",
    reason: failure.reason,
    metrics: {},
    wall_s: 0,
    exit_code: null,
    signal: null,
  };
  await concludeRun(ctx, n, run);
  if (failure.stop && ctx.state.stopped === undefined)
    ctx.record({
      type: "stopped",
      at: ctx.now(),
      reason: `no experiment can run: ${failure.reason}`,
    });
  await ctx.flush();
  await postComment(
    ctx,
    `⚠️ autoopt could not start ${experimentId(n)} of session \`${ctx.session}\`: ${failure.reason}.`,
  );
}
