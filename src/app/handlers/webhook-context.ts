import type { AppLog } from "../app-log.ts";
import type { SessionService } from "../session-service.ts";
import type { WorkQueue } from "../work-queue.ts";

/** The part of Probot's `Context` the handlers use; the payload is checked, not trusted. */
export interface WebhookContext<Api = unknown> {
  id: string;
  name: string;
  payload: unknown;
  octokit: Api;
}

export interface HandlerDeps {
  sessions: SessionService;
  log: AppLog;
  queue: WorkQueue;
}
