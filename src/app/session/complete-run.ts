import { experiment } from "../../core/index.ts";
import { artifactKeeper } from "./archive-writes.ts";
import { dispatchedNote, runningExperiments } from "./dispatch-launcher.ts";
import { findRun, ranOtherWorkflow } from "./dispatch-run.ts";
import { type CompletedRun, runSummary } from "./run-summary.ts";
import type { SessionContext } from "./session-context.ts";
import { experimentId } from "./session-names.ts";

/** A completed run of the experiment workflow, and which file it ran. */
export interface FinishedRun extends CompletedRun {
  workflowPath: string;
}

/**
 * Records what experiment `n`'s run came to. Idempotent: a run of an experiment already judged
 * (a redelivery, or the same run seen again after a restart) changes nothing, and so does a run
 * the App did not start, whatever its name says.
 */
export async function completeRun(ctx: SessionContext, n: number, run: FinishedRun): Promise<void> {
  // A state kept from this process's last write may not know an experiment another replica
  // started, nor its run: only then is the branch read again.
  if (ctx.fromCache && !experiment(ctx.state, n)?.dispatch) await ctx.sync();
  const x = experiment(ctx.state, n);
  const what = `run ${run.runId} (${ctx.session} ${experimentId(n)})`;
  if (!x) return ctx.log.warn(`ignoring ${what}: the session has no such experiment`);
  if (x.phase !== "running")
    return ctx.log.info(`ignoring ${what}: already recorded (${x.outcome ?? x.phase})`);
  if (x.dispatch && x.dispatch.runId !== run.runId) {
    return ctx.log.warn(
      `ignoring ${what}: an artifact from a run the App did not start (it started run ${x.dispatch.runId})`,
    );
  }
  if (ranOtherWorkflow(ctx, run.workflowPath))
    return ctx.log.warn(
      `ignoring ${what}: it ran ${run.workflowPath}, not ${ctx.config.runner.workflow}`,
    );
  // Dispatched without run details (HTTP 204), or recorded by a process that stopped before writing it.
  if (!x.dispatch) ctx.defer(dispatchedNote(ctx, n, run.runId, run.htmlUrl));
  const target = { experiment: experimentId(n), sha: x.sha };
  const summary = await runSummary(ctx, target, run, artifactKeeper(ctx, n));
  ctx.archive?.markHandled(n);
  await ctx.driver.runEnded(n, summary);
}

/**
 * After a restart: every experiment the ledger shows running is matched to its run (by id, or
 * else by run-name), a finished run is recorded, and one that was never dispatched is (with its
 * branch).
 */
export async function reconcileRuns(ctx: SessionContext): Promise<void> {
  for (const id of runningExperiments(ctx.state)) {
    let runId = experiment(ctx.state, id)?.dispatch?.runId;
    if (runId === undefined) {
      const found = await findRun(ctx, id);
      if (!found) {
        await relaunch(ctx, id);
        continue;
      }
      ctx.defer(dispatchedNote(ctx, id, found.id, found.html_url));
      runId = found.id;
    }
    const run = await ctx.api.run(runId);
    if (run.status !== "completed") continue;
    const finished = { runId, conclusion: run.conclusion, htmlUrl: run.html_url };
    await completeRun(ctx, id, { ...finished, workflowPath: run.path });
  }
}

/**
 * Dispatches again an experiment whose run never started. The process that recorded it may have
 * stopped before making its branch too (that comes first, then the dispatch): it is made again.
 */
async function relaunch(ctx: SessionContext, n: number): Promise<void> {
  const x = experiment(ctx.state, n);
  if (x?.kind === "candidate" || x?.kind === "rebase")
    await ctx.forge.setExperimentBranch(n, x.sha);
  await ctx.driver.relaunch(n);
}
