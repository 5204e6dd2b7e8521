import { z } from "zod";
import { experiment, type RunSummary } from "../../core/index.ts";
import { GitHubApiError } from "../../forge/github/index.ts";
import { concludeRun } from "./conclude-run.ts";
import type { RunData } from "./session-client.ts";
import type { SessionContext } from "./session-context.ts";
import { experimentId, runName } from "./session-names.ts";
import { postComment } from "./session-report.ts";

/** GitHub's 200 answer to a dispatch with `return_run_details: true` (lenient: extra fields pass). */
const DispatchDetails = z.object({ workflow_run_id: z.number().int(), html_url: z.string() });

/** Why a dispatch failed, and whether any later dispatch could succeed without a person's fix. */
interface DispatchFailure {
  reason: string;
  stop: boolean;
}

/**
 * Starts experiment `n` on GitHub Actions: the experiment workflow, dispatched on the default
 * branch with the experiment's inputs. The run is known by the id GitHub returns, or else by its
 * run-name. A dispatch GitHub refuses becomes a recorded crash with what to fix, and a comment.
 */
export async function dispatchExperiment(ctx: SessionContext, n: number): Promise<void> {
  const x = experiment(ctx.state, n);
  if (!x) return;
  await ctx.flush();
  const { workflow } = ctx.config.runner;
  const branch = defaultBranch(ctx);
  const inputs = {
    session: ctx.session,
    experiment: experimentId(n),
    candidate_sha: x.sha,
    base_sha: ctx.state.baseSha,
  };
  let answer: unknown;
  try {
    answer = await ctx.api.dispatch(workflow, branch, inputs);
  } catch (error) {
    await refused(ctx, n, dispatchFailure(error, workflow, branch));
    return;
  }
  const details = DispatchDetails.safeParse(answer);
  if (details.success) {
    const { workflow_run_id: id, html_url: url } = details.data;
    markDispatched(ctx, n, id, url);
    return;
  }
  const run = await findRun(ctx, n);
  if (run) markDispatched(ctx, n, run.id, run.html_url);
  else
    ctx.log.info(
      `${ctx.session}: ${experimentId(n)} dispatched; its run is matched by run-name when it completes`,
    );
}

/** The most recent dispatched run of the experiment workflow named after experiment `n`. */
export async function findRun(ctx: SessionContext, n: number): Promise<RunData | undefined> {
  const name = runName(ctx.session, n);
  const runs = await ctx.api.dispatchedRuns(ctx.config.runner.workflow);
  // The run-name is the run's display_title; `name` is the workflow's name on most payloads.
  const matching = runs.filter((run) => run.display_title === name || run.name === name);
  return matching.sort((a, b) => b.id - a.id)[0];
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

function defaultBranch(ctx: SessionContext): string {
  const branch = ctx.state.meta.defaultBranch;
  if (branch === undefined)
    throw new Error(
      `session ${ctx.session} has no default branch in its ledger; start a new session`,
    );
  return branch;
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

function dispatchFailure(error: unknown, workflow: string, branch: string): DispatchFailure {
  const file = `.github/workflows/${workflow}`;
  const status = error instanceof GitHubApiError ? error.status : undefined;
  const said = error instanceof GitHubApiError ? error.githubMessage : String(error);
  switch (status) {
    case 404:
      return {
        reason: `the workflow ${file} is not on the default branch ${branch}; run \`autoopt init --github\`, merge the workflow it writes into ${branch}, then start a new session`,
        stop: true,
      };
    case 403:
      return {
        reason: `GitHub does not let the App dispatch ${file} (${said}); give the App the "actions: write" permission and accept it on the installation`,
        stop: true,
      };
    case 422:
      return {
        reason: `GitHub refused to dispatch ${file} (${said}); it needs a workflow_dispatch trigger with the inputs session, experiment, candidate_sha and base_sha: write it again with \`autoopt init --github\` and merge it`,
        stop: true,
      };
    default:
      return { reason: `GitHub did not dispatch ${file}: ${said}`, stop: false };
  }
}
