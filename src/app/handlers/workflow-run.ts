import { readPayload, repositoryIdOf, WorkflowRunCompleted } from "./payloads.ts";
import type { HandlerDeps, WebhookContext } from "./webhook-context.ts";

/** The experiment workflow's `name:`; other workflows' runs are none of autoopt's business. */
export const EXPERIMENT_RUN_PREFIX = "autoopt ";

/** `workflow_run.completed` of an experiment run: the session downloads its artifact, queued. */
export function onWorkflowRunCompleted(deps: HandlerDeps) {
  return (context: WebhookContext): void => {
    const event = readPayload(WorkflowRunCompleted, context.payload, context, deps.log);
    if (event === undefined) return;
    const run = event.workflow_run;
    if (!run.name?.startsWith(EXPERIMENT_RUN_PREFIX)) return;
    const completed = {
      owner: event.repository.owner.login,
      repo: event.repository.name,
      installationId: event.installation.id,
      ...repositoryIdOf(event.repository),
      runId: run.id,
      // The run-name (`autoopt <session> <experiment>`) names the experiment; the workflow's
      // name is the same for every run.
      runName: run.display_title ?? run.name,
      conclusion: run.conclusion,
      htmlUrl: run.html_url,
      workflowPath: run.path,
    };
    deps.log.info({ delivery: context.id, run: run.id }, "experiment run completed");
    deps.queue.run(`${event.repository.full_name} run ${run.id}`, () =>
      deps.sessions.runCompleted(completed),
    );
  };
}
