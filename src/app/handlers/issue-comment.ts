import { parseCommand } from "../commands/parse-command.ts";
import type { IssueRef } from "../session-service.ts";
import { carryOut } from "./command-flow.ts";
import type { IssueApi } from "./issue-api.ts";
import { IssueCommentCreated, readPayload, repositoryIdOf } from "./payloads.ts";
import { RecentKeys } from "./recent-keys.ts";
import type { HandlerDeps, WebhookContext } from "./webhook-context.ts";

/**
 * `issue_comment.created`. Only what needs no network happens here (checking the payload,
 * finding the command, the locked check), so the webhook is answered in about a millisecond;
 * every API call runs in the background queue, one command at a time per issue.
 */
export function onIssueComment(deps: HandlerDeps) {
  const seen = new RecentKeys();
  return (context: WebhookContext<IssueApi>): void => {
    const event = readPayload(IssueCommentCreated, context.payload, context, deps.log);
    if (event === undefined) return;
    // Bots include autoopt itself: its replies quote commands (in code blocks, but still).
    if (event.comment.user.type === "Bot" || event.sender.type === "Bot") return;
    const parsed = parseCommand(event.comment.body);
    if (parsed === undefined) return;
    const at = issueRef(event);
    const fields = { delivery: context.id, repo: event.repository.full_name, issue: at.issue };
    if (event.issue.locked) {
      // GitHub refuses the App's comments on a locked conversation, so there is no one to answer.
      deps.log.info(fields, "ignored a command on a locked issue");
      return;
    }
    // A redelivery to this process costs no request; after a restart, the 👀 that GitHub kept
    // tells it (carryOut).
    if (!seen.add(`${event.repository.full_name}/${event.comment.id}`)) {
      deps.log.info(fields, "ignored a repeated delivery of a command");
      return;
    }
    const request = {
      at,
      commentId: event.comment.id,
      commenter: event.comment.user.login,
      parsed,
      onPullRequest: event.issue.pull_request != null,
      delivery: context.id,
    };
    deps.queue.run(`${event.repository.full_name}#${at.issue}`, () =>
      carryOut(context.octokit, deps, request),
    );
  };
}

function issueRef(event: IssueCommentCreated): IssueRef {
  return {
    owner: event.repository.owner.login,
    repo: event.repository.name,
    defaultBranch: event.repository.default_branch,
    issue: event.issue.number,
    installationId: event.installation.id,
    ...repositoryIdOf(event.repository),
  };
}
