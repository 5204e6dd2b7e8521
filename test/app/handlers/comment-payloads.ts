import { inTestRepository, type Payload, record, webhookExample } from "./webhook-payloads.ts";

export const COMMENT_ID = 7001;
export const ISSUE = 12;
export const COMMENTER = "ada";

export interface CommentOptions {
  body: string;
  login?: string;
  userType?: "User" | "Bot";
  locked?: boolean;
  onPullRequest?: boolean;
}

/** `issue_comment.created` from GitHub's example, with our ids, repository and comment. */
export function commentCreated(options: CommentOptions): Payload {
  const payload = inTestRepository(webhookExample("issue_comment", "created"));
  const comment = record(payload.comment, "comment");
  const issue = record(payload.issue, "issue");
  const login = options.login ?? COMMENTER;
  const user = { ...record(comment.user, "comment.user"), login, type: options.userType ?? "User" };
  return {
    ...payload,
    sender: user,
    comment: { ...comment, id: COMMENT_ID, body: options.body, user },
    issue: {
      ...issue,
      number: ISSUE,
      locked: options.locked ?? false,
      ...(options.locked ? { active_lock_reason: "too heated" } : {}),
      ...(options.onPullRequest ? { pull_request: pullRequestLink() } : {}),
    },
  };
}

/** What GitHub puts in `issue.pull_request` when the issue is a pull request. */
function pullRequestLink() {
  const base = `https://api.github.com/repos/octo-org/lab/pulls/${ISSUE}`;
  return {
    url: base,
    html_url: `https://github.com/octo-org/lab/pull/${ISSUE}`,
    diff_url: `https://github.com/octo-org/lab/pull/${ISSUE}.diff`,
    patch_url: `https://github.com/octo-org/lab/pull/${ISSUE}.patch`,
    merged_at: null,
  };
}
