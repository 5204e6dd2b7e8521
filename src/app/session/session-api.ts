import { GitHubApiError, type GitHubRequest } from "../../forge/github/index.ts";
import type {
  ArtifactData,
  CommentData,
  PullData,
  RunData,
  SessionClient,
} from "./session-client.ts";

export interface SessionApiOptions {
  octokit: SessionClient;
  owner: string;
  repo: string;
  /** Called before every REST call (failed ones included), to count calls per experiment. */
  onRequest?: (request: GitHubRequest) => void;
}

/**
 * The issue, pull request and Actions endpoints a session uses, for one repository. Every call
 * is counted and every failure becomes a {@link GitHubApiError} naming the call.
 */
export class SessionApi {
  readonly owner: string;
  readonly repo: string;
  readonly octokit: SessionClient;
  private readonly onRequest: ((request: GitHubRequest) => void) | undefined;

  constructor(options: SessionApiOptions) {
    this.octokit = options.octokit;
    this.owner = options.owner;
    this.repo = options.repo;
    this.onRequest = options.onRequest;
  }

  /** Full ref names (`refs/heads/…`) under a prefix such as `heads/autoopt/issue-12`. */
  async matchingRefs(prefix: string): Promise<string[]> {
    const { data } = await this.call("GET", `git/matching-refs/${prefix}`, (o) =>
      this.octokit.rest.git.listMatchingRefs({ ...o, ref: prefix }),
    );
    return data.map((ref) => ref.ref);
  }

  /** The commit a branch points at. */
  async branchHead(branch: string): Promise<string> {
    const ref = `heads/${branch}`;
    const { data } = await this.call("GET", `git/ref/${ref}`, (o) =>
      this.octokit.rest.git.getRef({ ...o, ref }),
    );
    return data.object.sha;
  }

  async createComment(issue: number, body: string): Promise<CommentData> {
    const { data } = await this.call("POST", `issues/${issue}/comments`, (o) =>
      this.octokit.rest.issues.createComment({ ...o, issue_number: issue, body }),
    );
    return data;
  }

  async updateComment(id: number, body: string): Promise<void> {
    await this.call("PATCH", `issues/comments/${id}`, (o) =>
      this.octokit.rest.issues.updateComment({ ...o, comment_id: id, body }),
    );
  }

  async createPull(pull: { title: string; head: string; base: string; body: string }) {
    const { data } = await this.call("POST", "pulls", (o) =>
      this.octokit.rest.pulls.create({ ...o, ...pull }),
    );
    return data;
  }

  async updatePull(
    number: number,
    change: { body: string; title: string; state?: "open" },
  ): Promise<PullData> {
    const { data } = await this.call("PATCH", `pulls/${number}`, (o) =>
      this.octokit.rest.pulls.update({ ...o, pull_number: number, ...change }),
    );
    return data;
  }

  /**
   * The open pull request from `branch` of this repository into `base`, if any: the one GitHub
   * refuses to open a second of.
   */
  async openPull(branch: string, base: string): Promise<PullData | undefined> {
    const head = `${this.owner}:${branch}`;
    const { data } = await this.call("GET", "pulls", (o) =>
      this.octokit.rest.pulls.list({ ...o, head, base, state: "open", per_page: 1 }),
    );
    return data[0];
  }

  /** GitHub's answer to a workflow dispatch: the run's details (200), or nothing (204). */
  async dispatch(workflow: string, ref: string, inputs: Record<string, string>): Promise<unknown> {
    const route = `actions/workflows/${workflow}/dispatches`;
    const { data } = await this.call("POST", route, (o) =>
      this.octokit.rest.actions.createWorkflowDispatch({
        ...o,
        workflow_id: workflow,
        ref,
        inputs,
        return_run_details: true,
      }),
    );
    return data;
  }

  /** The workflow's most recent runs started by a dispatch. */
  async dispatchedRuns(workflow: string): Promise<RunData[]> {
    const route = `actions/workflows/${workflow}/runs`;
    const { data } = await this.call("GET", route, (o) =>
      this.octokit.rest.actions.listWorkflowRuns({
        ...o,
        workflow_id: workflow,
        event: "workflow_dispatch",
        per_page: 100,
      }),
    );
    return data.workflow_runs;
  }

  async run(id: number): Promise<RunData> {
    const { data } = await this.call("GET", `actions/runs/${id}`, (o) =>
      this.octokit.rest.actions.getWorkflowRun({ ...o, run_id: id }),
    );
    return data;
  }

  async artifacts(runId: number, name: string): Promise<ArtifactData[]> {
    const { data } = await this.call("GET", `actions/runs/${runId}/artifacts`, (o) =>
      this.octokit.rest.actions.listWorkflowRunArtifacts({ ...o, run_id: runId, name }),
    );
    return data.artifacts;
  }

  /** The artifact's zip; GitHub answers with a redirect to storage, which fetch follows. */
  async downloadArtifact(id: number): Promise<Uint8Array> {
    const { data } = await this.call("GET", `actions/artifacts/${id}/zip`, (o) =>
      this.octokit.rest.actions.downloadArtifact({ ...o, artifact_id: id, archive_format: "zip" }),
    );
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (data instanceof Uint8Array) return data;
    throw new Error(
      `GitHub answered the download of artifact ${id} with ${typeof data}, not a zip`,
    );
  }

  private async call<T>(
    method: GitHubRequest["method"],
    route: string,
    send: (repo: { owner: string; repo: string }) => Promise<T>,
  ): Promise<T> {
    this.onRequest?.({ method, route });
    try {
      return await send({ owner: this.owner, repo: this.repo });
    } catch (error) {
      throw new GitHubApiError(`${method} /repos/${this.owner}/${this.repo}/${route}`, error);
    }
  }
}
