import type { HeldoutLabel, HeldoutRecorded, SessionState } from "../../core/index.ts";
import type { FinishedRun } from "./complete-run.ts";
import { dispatchRun, findRun, ranOtherWorkflow } from "./dispatch-run.ts";
import { runSummary } from "./run-summary.ts";
import type { SessionContext } from "./session-context.ts";
import { heldoutId } from "./session-names.ts";

/** One commit to evaluate on the held-out split. */
interface Target {
  label: HeldoutLabel;
  sha: string;
}

const LABELS = ["baseline", "best"] as const;

/**
 * The commits a promotion is evaluated on, on the held-out split: the session's base and the
 * ratchet head. None without `promotion.heldout`, or while nothing was kept (nothing to promote).
 */
function heldoutTargets(ctx: SessionContext, state: SessionState): Target[] {
  if (ctx.configOf(state).promotion.heldout === undefined || state.meta.closed) return [];
  const kept = state.experiments.some((e) => e?.outcome === "keep");
  if (!kept || state.ratchetSha === state.baseSha) return [];
  return [
    { label: "baseline", sha: state.baseSha },
    { label: "best", sha: state.ratchetSha },
  ];
}

/**
 * Dispatches one held-out run for each target not evaluated yet. Each is recorded (and written)
 * before its dispatch, so a repeated event, a retried job or another replica never starts a
 * second run for the same label and commit; a failed one is reported, not retried.
 */
export async function dispatchHeldout(ctx: SessionContext): Promise<void> {
  let due: Target[] = [];
  // A decision, not a fact: another replica that recorded the same targets first wins, and this
  // step, planned again on its state, finds nothing due.
  await ctx.driver.step((d) => {
    due = heldoutTargets(ctx, d.state).filter((t) => d.state.heldout[t.label]?.sha !== t.sha);
    for (const t of due) d.record(heldoutEvent(ctx, t, { status: "dispatched" }));
  });
  if (due.length === 0) return;
  for (const t of due) await startHeldout(ctx, t);
  ctx.reports.promotionStale = true;
}

async function startHeldout(ctx: SessionContext, t: Target): Promise<void> {
  const dispatch = await dispatchRun(ctx, {
    session: ctx.session,
    experiment: heldoutId(t.label),
    candidate_sha: t.sha,
    base_sha: ctx.state.baseSha,
    split: "heldout",
  });
  switch (dispatch.type) {
    case "started": {
      const run = { run_id: dispatch.runId, run_url: dispatch.url };
      return ctx.record(heldoutEvent(ctx, t, { status: "dispatched", ...run }));
    }
    case "refused": {
      const error = `GitHub did not start it: ${dispatch.failure.reason}`;
      return ctx.record(heldoutEvent(ctx, t, { status: "failed", error }));
    }
    case "sent":
      ctx.log.info(
        `${ctx.session}: ${heldoutId(t.label)} dispatched; its run is matched by run-name when it completes`,
      );
  }
}

/**
 * Records what a held-out run came to: its metrics, or why there are none (no artifact, a
 * result.json that is not valid or not this run's, a run that did not end ok). Idempotent like
 * completeRun: a run already recorded, or one the App did not start, changes nothing.
 */
export async function completeHeldout(
  ctx: SessionContext,
  label: HeldoutLabel,
  run: FinishedRun,
): Promise<void> {
  const record = ctx.state.heldout[label];
  const what = `run ${run.runId} (${ctx.session} ${heldoutId(label)})`;
  if (!record) return ctx.log.warn(`ignoring ${what}: the session started no such held-out run`);
  if (record.status !== "dispatched")
    return ctx.log.info(`ignoring ${what}: already recorded (${record.status})`);
  if (record.runId !== undefined && record.runId !== run.runId)
    return ctx.log.warn(
      `ignoring ${what}: a run the App did not start (it started run ${record.runId})`,
    );
  if (ranOtherWorkflow(ctx, run.workflowPath))
    return ctx.log.warn(
      `ignoring ${what}: it ran ${run.workflowPath}, not ${ctx.config.runner.workflow}`,
    );
  const target = { label, sha: record.sha };
  const summary = await runSummary(ctx, { experiment: heldoutId(label), sha: record.sha }, run);
  const where = { run_id: run.runId, run_url: run.htmlUrl };
  if (summary.status === "ok")
    ctx.record(heldoutEvent(ctx, target, { status: "ok", metrics: summary.metrics, ...where }));
  else {
    const error = `${summary.status}: ${summary.reason ?? "no reason given"}`;
    ctx.record(heldoutEvent(ctx, target, { status: "failed", error, ...where }));
  }
  ctx.reports.promotionStale = true;
}

/**
 * After a restart: each held-out run still recorded as dispatched is looked up (by id, or else by
 * run-name) and recorded if it completed; one that never reached GitHub is dispatched.
 */
export async function reconcileHeldout(ctx: SessionContext): Promise<void> {
  for (const label of LABELS) {
    const record = ctx.state.heldout[label];
    if (record?.status !== "dispatched") continue;
    let runId = record.runId;
    if (runId === undefined) {
      const found = await findRun(ctx, heldoutId(label));
      if (!found) {
        await startHeldout(ctx, { label, sha: record.sha });
        continue;
      }
      runId = found.id;
    }
    const run = await ctx.api.run(runId);
    if (run.status !== "completed") continue;
    const finished = { runId, conclusion: run.conclusion, htmlUrl: run.html_url };
    await completeHeldout(ctx, label, { ...finished, workflowPath: run.path });
  }
}

type Outcome = Omit<HeldoutRecorded, "type" | "at" | "label" | "sha">;

function heldoutEvent(ctx: SessionContext, t: Target, outcome: Outcome): HeldoutRecorded {
  return { type: "heldout", at: ctx.now(), label: t.label, sha: t.sha, ...outcome };
}
