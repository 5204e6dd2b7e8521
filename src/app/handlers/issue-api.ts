/**
 * The Octokit methods the command handler uses, typed structurally (as forge/github's
 * GitHubClient is): Probot's `context.octokit` fits, and response data is `unknown` because the
 * handler checks what it reads with zod.
 */
export interface IssueApi {
  rest: {
    reactions: {
      // The status tells a new reaction (201) from one the App had already added (200).
      createForIssueComment: Call<{ comment_id: number; content: "eyes" }, Answer>;
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

interface Answer {
  status: number;
  data: unknown;
}

type Call<P, R = { data: unknown }> = (params: { owner: string; repo: string } & P) => Promise<R>;

/** The HTTP status of a failed Octokit call, or undefined when no response came back. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  return typeof error.status === "number" ? error.status : undefined;
}
