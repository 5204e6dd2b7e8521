import { PullRequestClosed, readPayload, repositoryIdOf } from "./payloads.ts";
import type { HandlerDeps, WebhookContext } from "./webhook-context.ts";

/** The head branch of a session's promotion pull request. */
const RATCHET_REF = /^autoopt\/[^/]+\/ratchet$/;

/** `pull_request.closed` of a promotion pull request, merged or not. */
export function onPullRequestClosed(deps: HandlerDeps) {
  return (context: WebhookContext): void => {
    const event = readPayload(PullRequestClosed, context.payload, context, deps.log);
    if (event === undefined) return;
    const pr = event.pull_request;
    if (!RATCHET_REF.test(pr.head.ref)) return;
    // A fork can name a branch `autoopt/x/ratchet` too; only the App's own branch is a promotion.
    if (pr.head.repo?.full_name !== event.repository.full_name) {
      deps.log.info({ delivery: context.id, pr: pr.number }, "ignored a ratchet-named fork branch");
      return;
    }
    const closed = {
      owner: event.repository.owner.login,
      repo: event.repository.name,
      installationId: event.installation.id,
      ...repositoryIdOf(event.repository),
      headRef: pr.head.ref,
      merged: pr.merged === true,
      number: pr.number,
    };
    deps.log.info(
      { delivery: context.id, pr: pr.number, merged: closed.merged },
      "promotion closed",
    );
    deps.queue.run(`${event.repository.full_name} pr ${pr.number}`, () =>
      deps.sessions.promotionClosed(closed),
    );
  };
}
