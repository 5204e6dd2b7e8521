import type { SessionState } from "../../core/index.ts";
import { experiment } from "../../core/index.ts";
import type { Launch, RunLauncher } from "../../engine/ports.ts";
import { dispatchRun, findRun } from "./dispatch-run.ts";
import type { SessionContext } from "./session-context.ts";
import { experimentId } from "./session-names.ts";
import { postComment } from "./session-report.ts";

/**
 * Runs on GitHub Actions: the experiment workflow dispatched on the default branch with the
 * experiment's inputs, its end a `workflow_run` webhook. Every experiment the ledger shows
 * running is in flight somewhere (one whose dispatch was lost to a crash is dispatched again by
 * the reconcile at start-up), so a repeated or late event never starts a second run of one.
 */
export class DispatchLauncher implements RunLauncher {
  private readonly ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  inFlight(state: SessionState): ReadonlySet<number> {
    return runningExperiments(state);
  }

  async launch(n: number, state: SessionState): Promise<Launch> {
    const { ctx } = this;
    const x = experiment(state, n);
    if (!x) return { type: "started" };
    const dispatch = await dispatchRun(ctx, {
      session: ctx.session,
      experiment: experimentId(n),
      candidate_sha: x.sha,
      base_sha: state.baseSha,
    });
    switch (dispatch.type) {
      case "refused":
        await postComment(
          ctx,
          `⚠️ autoopt could not start ${experimentId(n)} of session \`${ctx.session}\`: ${dispatch.failure.reason}.`,
        );
        return { type: "refused", ...dispatch.failure };
      case "started":
        return { type: "started", note: dispatchedNote(ctx, n, dispatch.runId, dispatch.url) };
      case "sent": {
        const run = await findRun(ctx, n);
        if (run) return { type: "started", note: dispatchedNote(ctx, n, run.id, run.html_url) };
        ctx.log.info(
          `${ctx.session}: ${experimentId(n)} dispatched; its run is matched by run-name when it completes`,
        );
        return { type: "started" };
      }
    }
  }
}

/**
 * Experiments whose run is under way on GitHub: every one the ledger shows running (one whose
 * dispatch was lost to a crash is dispatched again by the reconcile at start-up).
 */
export function runningExperiments(state: SessionState): ReadonlySet<number> {
  return new Set(state.experiments.filter((e) => e?.phase === "running").map((e) => e.id));
}

/** Which run executes experiment `n` (written with the session's next ledger write). */
export function dispatchedNote(ctx: SessionContext, n: number, runId: number, url: string) {
  return {
    type: "dispatched" as const,
    at: ctx.now(),
    experiment: n,
    run_id: runId,
    run_url: url,
    api_requests: ctx.apiRequests,
  };
}
