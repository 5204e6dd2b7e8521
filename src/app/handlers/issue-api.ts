/**
 * The Octokit methods the command handler uses, typed structurally (as forge/github's
 * GitHubClient is): Probot's `context.octokit` fits, and response data is `unknown` because the
 * handler checks what it reads with zod.
 */
export interface IssueApi {
  rest: {
    reactions: {
      createForIssueComment: Call<{ comment_id: number; content: "eyes" }>;
    };
    issues: {
      createComment: Call<{ issue_number: number; body: string }>;
    };
    repos: {
      getCollaboratorPermissionLevel: Call<{ username: string }>;
      getContent: Call<{ path: string; ref?: string }>;
    };
  };
}

type Call<P> = (params: { owner: string; repo: string } & P) => Promise<{ data: unknown }>;

/** The HTTP status of a failed Octokit call, or undefined when no response came back. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  return typeof error.status === "number" ? error.status : undefined;
}
