import type { HandlerDeps, WebhookContext } from "./webhook-context.ts";

/**
 * `workflow_job` and `pull_request_review`: subscribed in app.yml so that later versions can use
 * them (a job's runner and queue time; a reviewer's verdict on a promotion) without every
 * installation having to accept new events. For now they are acknowledged and logged.
 */
export function onReserved(deps: HandlerDeps) {
  return (context: WebhookContext): void => {
    const action = actionOf(context.payload);
    deps.log.debug({ delivery: context.id, event: context.name, action }, "reserved event");
  };
}

function actionOf(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null || !("action" in payload)) return undefined;
  return typeof payload.action === "string" ? payload.action : undefined;
}
