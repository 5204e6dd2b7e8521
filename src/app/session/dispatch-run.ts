import { z } from "zod";
import { GitHubApiError } from "../../forge/github/index.ts";
import type { RunData } from "./session-client.ts";
import type { SessionContext } from "./session-context.ts";
import { runName } from "./session-names.ts";

/** GitHub's 200 answer to a dispatch with `return_run_details: true` (lenient: extra fields pass). */
const DispatchDetails = z.object({ workflow_run_id: z.number().int(), html_url: z.string() });

/** Why a dispatch failed, and whether any later dispatch could succeed without a person's fix. */
export interface DispatchFailure {
  reason: string;
  stop: boolean;
}

/** What a dispatch of the experiment workflow came to. */
export type Dispatch =
  | { type: "started"; runId: number; url: string }
  /** GitHub took it without saying which run it started (HTTP 204): it is known by its run-name. */
  | { type: "sent" }
  | { type: "refused"; failure: DispatchFailure };

/**
 * Dispatches the experiment workflow on the default branch with `inputs`: the one way the App
 * starts a run, for experiments and held-out evaluations alike. A refusal is an answer, not a
 * throw, with what a person must fix.
 */
export async function dispatchRun(
  ctx: SessionContext,
  inputs: Record<string, string>,
): Promise<Dispatch> {
  const { workflow } = ctx.config.runner;
  const branch = defaultBranch(ctx);
  let answer: unknown;
  try {
    answer = await ctx.api.dispatch(workflow, branch, inputs);
  } catch (error) {
    const failure = dispatchFailure(error, workflow, branch, Object.keys(inputs));
    return { type: "refused", failure };
  }
  const details = DispatchDetails.safeParse(answer);
  if (!details.success) return { type: "sent" };
  return { type: "started", runId: details.data.workflow_run_id, url: details.data.html_url };
}

/** The most recent dispatched run of the experiment workflow named after `of` (exp-<n>, heldout-…). */
export async function findRun(
  ctx: SessionContext,
  of: number | string,
): Promise<RunData | undefined> {
  const name = runName(ctx.session, of);
  const runs = await ctx.api.dispatchedRuns(ctx.config.runner.workflow);
  // The run-name is the run's display_title; `name` is the workflow's name on most payloads.
  const matching = runs.filter((run) => run.display_title === name || run.name === name);
  return matching.sort((a, b) => b.id - a.id)[0];
}

/** True when a run's workflow file is not the experiment workflow: none of the session's runs. */
export function ranOtherWorkflow(ctx: SessionContext, workflowPath: string): boolean {
  const workflow = ctx.config.runner.workflow;
  // The REST API writes `.github/workflows/x.yml@main`; webhooks leave the ref out.
  const path = workflowPath.replace(/@[^/]*$/, "");
  return path !== "" && !path.endsWith(`/${workflow}`);
}

function defaultBranch(ctx: SessionContext): string {
  const branch = ctx.state.meta.defaultBranch;
  if (branch === undefined)
    throw new Error(
      `session ${ctx.session} has no default branch in its ledger; start a new session`,
    );
  return branch;
}

function dispatchFailure(
  error: unknown,
  workflow: string,
  branch: string,
  inputs: readonly string[],
): DispatchFailure {
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
        reason: `GitHub refused to dispatch ${file} (${said}); it needs a workflow_dispatch trigger with the inputs ${listed(inputs)}: write it again with \`autoopt init --github\` and merge it`,
        stop: true,
      };
    default:
      return { reason: `GitHub did not dispatch ${file}: ${said}`, stop: false };
  }
}

/** `a, b and c`. */
function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
