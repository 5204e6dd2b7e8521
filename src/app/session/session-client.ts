import type { GitHubClient } from "../../forge/github/index.ts";

/**
 * The Octokit methods sessions use on top of the forge's Git Data calls, typed structurally so
 * that `new Octokit()` and Probot's `context.octokit` both fit. Only the response fields autoopt
 * reads are declared (lenient on data from GitHub).
 */
export interface SessionClient extends GitHubClient {
  rest: GitHubClient["rest"] & {
    git: GitHubClient["rest"]["git"] & {
      listMatchingRefs: Call<{ ref: string }, RefData[]>;
    };
    issues: {
      createComment: Call<{ issue_number: number; body: string }, CommentData>;
      updateComment: Call<{ comment_id: number; body: string }, CommentData>;
    };
    pulls: {
      create: Call<{ title: string; head: string; base: string; body: string }, PullData>;
      update: Call<
        { pull_number: number; body?: string; title?: string; state?: "open" },
        PullData
      >;
      list: Call<
        { head: string; base?: string; state?: "open" | "closed" | "all"; per_page?: number },
        PullData[]
      >;
    };
    actions: {
      createWorkflowDispatch: Call<
        {
          workflow_id: string;
          ref: string;
          inputs: Record<string, string>;
          return_run_details?: boolean;
        },
        unknown
      >;
      listWorkflowRuns: Call<
        { workflow_id: string; event?: string; per_page?: number },
        { workflow_runs: RunData[] }
      >;
      getWorkflowRun: Call<{ run_id: number }, RunData>;
      listWorkflowRunArtifacts: Call<
        { run_id: number; name?: string; per_page?: number },
        { artifacts: ArtifactData[] }
      >;
      downloadArtifact: Call<{ artifact_id: number; archive_format: string }, unknown>;
    };
  };
}

type Call<P, D> = (params: { owner: string; repo: string } & P) => Promise<{ data: D }>;

export interface RefData {
  ref: string;
  object: { sha: string };
}

export interface CommentData {
  id: number;
  html_url: string;
}

export interface PullData {
  number: number;
  html_url: string;
  state: string;
}

export interface RunData {
  id: number;
  name?: string | null;
  display_title: string;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  path: string;
}

export interface ArtifactData {
  id: number;
  name: string;
  expired: boolean;
}
