import type { ApplicationFunction } from "probot";
import type { AppLog } from "./app-log.ts";
import { onIssueComment } from "./handlers/issue-comment.ts";
import { onPullRequestClosed } from "./handlers/pull-request.ts";
import { onReserved } from "./handlers/reserved.ts";
import type { HandlerDeps } from "./handlers/webhook-context.ts";
import { onWorkflowRunCompleted } from "./handlers/workflow-run.ts";
import type { SessionService } from "./session-service.ts";
import { WorkQueue } from "./work-queue.ts";

export interface AppDeps {
  sessions: SessionService;
  /** Defaults to Probot's logger. */
  log?: AppLog;
  /** Where handlers put their slow work; pass one to wait for it (tests) or drain it (shutdown). */
  queue?: WorkQueue;
}

/**
 * The autoopt Probot app, with its sessions passed in so that tests and the bench can give it
 * their own. Every handler answers its webhook at once and leaves the GitHub calls and the
 * session's work to the queue.
 */
export function createApp(deps: AppDeps): ApplicationFunction {
  return (app) => {
    const log = deps.log ?? app.log;
    const handlers: HandlerDeps = {
      sessions: deps.sessions,
      log,
      queue: deps.queue ?? new WorkQueue(log),
    };
    app.on("issue_comment.created", onIssueComment(handlers));
    app.on("workflow_run.completed", onWorkflowRunCompleted(handlers));
    app.on("pull_request.closed", onPullRequestClosed(handlers));
    app.on(["workflow_job", "pull_request_review"], onReserved(handlers));
  };
}
