import { GitHubApiError } from "./github-api-error.ts";
import type {
  ComparisonData,
  GitCommitData,
  GitHubClient,
  GitRefData,
  GitTreeData,
  NewTreeEntry,
  RefUpdate,
} from "./github-client.ts";

/**
 * One API call, as reported to `onRequest`: e.g. `{ method: "PATCH", route: "git/refs/heads/…" }`;
 * a GraphQL mutation is `{ method: "POST", route: "graphql" }`.
 */
export interface GitHubRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  route: string;
}

export interface GitHubApiOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  /** Called before every REST call (failed ones included), e.g. to report calls per experiment. */
  onRequest?: (request: GitHubRequest) => void;
  /** The repository's GraphQL node id when known already (a webhook payload carries it). */
  repositoryId?: string;
}

/**
 * The Git Data and compare endpoints for one repository. Every call is counted and every failure
 * becomes a {@link GitHubApiError} naming the call. Ref names are given without `refs/`
 * (`heads/autoopt/s/ratchet`), as the `{ref}` URL parameter wants them.
 */
export class GitHubApi {
  readonly owner: string;
  readonly repo: string;
  /** REST calls made so far, failed ones included. */
  requests = 0;
  private readonly octokit: GitHubClient;
  private readonly onRequest: ((request: GitHubRequest) => void) | undefined;
  /** The repository's GraphQL node id, read once. */
  private nodeId: string | undefined;

  constructor(options: GitHubApiOptions) {
    this.octokit = options.octokit;
    this.owner = options.owner;
    this.repo = options.repo;
    this.onRequest = options.onRequest;
    this.nodeId = options.repositoryId;
  }

  /** The commit a ref points at, or undefined when the ref does not exist. */
  async getRef(ref: string): Promise<string | undefined> {
    try {
      const { data } = await this.call("GET", `git/ref/${ref}`, (o) =>
        this.octokit.rest.git.getRef({ ...o, ref }),
      );
      return data.object.sha;
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async createRef(ref: string, sha: string): Promise<void> {
    await this.call("POST", "git/refs", (o) =>
      this.octokit.rest.git.createRef({ ...o, ref: `refs/${ref}`, sha }),
    );
  }

  async updateRef(ref: string, sha: string, force: boolean): Promise<void> {
    await this.call("PATCH", `git/refs/${ref}`, (o) =>
      this.octokit.rest.git.updateRef({ ...o, ref, sha, force }),
    );
  }

  async deleteRef(ref: string): Promise<void> {
    await this.call("DELETE", `git/refs/${ref}`, (o) =>
      this.octokit.rest.git.deleteRef({ ...o, ref }),
    );
  }

  /** The repository's GraphQL node id (`GET /repos/{owner}/{repo}`, read once by this client). */
  async repositoryId(): Promise<string> {
    if (this.nodeId !== undefined) return this.nodeId;
    const { data } = await this.call("GET", "", (o) => this.octokit.rest.repos.get(o));
    this.nodeId = data.node_id;
    return data.node_id;
  }

  /**
   * GraphQL's `updateRefs`: every update made, or none (GitHub checks each `beforeOid` and
   * fast-forward first). One request, counted as the REST calls are. Throws whatever GitHub
   * answered, as {@link GitHubApiError}; what a refusal means is for the caller to find out.
   */
  async updateRefs(updates: readonly RefUpdate[]): Promise<void> {
    const repositoryId = await this.repositoryId();
    this.requests++;
    this.onRequest?.({ method: "POST", route: "graphql" });
    try {
      await this.octokit.graphql(UPDATE_REFS, { repositoryId, refUpdates: updates });
    } catch (error) {
      throw new GitHubApiError(`POST /graphql (updateRefs on ${this.owner}/${this.repo})`, error);
    }
  }

  /** Refs whose name starts with `prefix` (e.g. `heads/autoopt/s/frontier/`), up to 100. */
  async matchingRefs(prefix: string): Promise<GitRefData[]> {
    const { data } = await this.call("GET", `git/matching-refs/${prefix}`, (o) =>
      this.octokit.rest.git.listMatchingRefs({ ...o, ref: prefix, per_page: 100 }),
    );
    return data;
  }

  async getCommit(sha: string): Promise<GitCommitData> {
    const { data } = await this.call("GET", `git/commits/${sha}`, (o) =>
      this.octokit.rest.git.getCommit({ ...o, commit_sha: sha }),
    );
    return data;
  }

  async getTree(sha: string): Promise<GitTreeData> {
    const { data } = await this.call("GET", `git/trees/${sha}?recursive=1`, (o) =>
      this.octokit.rest.git.getTree({ ...o, tree_sha: sha, recursive: "1" }),
    );
    return data;
  }

  /** A blob's content as UTF-8 text. */
  async getBlob(sha: string): Promise<string> {
    const { data } = await this.call("GET", `git/blobs/${sha}`, (o) =>
      this.octokit.rest.git.getBlob({ ...o, file_sha: sha }),
    );
    if (data.encoding === "base64") return Buffer.from(data.content, "base64").toString("utf8");
    if (data.encoding === "utf-8") return data.content;
    throw new Error(`GitHub returned blob ${sha} in an unknown encoding "${data.encoding}"`);
  }

  async createBlob(content: string): Promise<string> {
    const { data } = await this.call("POST", "git/blobs", (o) =>
      this.octokit.rest.git.createBlob({ ...o, content, encoding: "utf-8" }),
    );
    return data.sha;
  }

  async createTree(tree: NewTreeEntry[], baseTree?: string): Promise<string> {
    const { data } = await this.call("POST", "git/trees", (o) =>
      this.octokit.rest.git.createTree({
        ...o,
        tree,
        ...(baseTree === undefined ? {} : { base_tree: baseTree }),
      }),
    );
    return data.sha;
  }

  async createCommit(message: string, tree: string, parents: string[]): Promise<string> {
    const { data } = await this.call("POST", "git/commits", (o) =>
      this.octokit.rest.git.createCommit({ ...o, message, tree, parents }),
    );
    return data.sha;
  }

  /**
   * The files changed from the merge base of `base` and `head` to `head`. One commit per page:
   * the file list (at most 300) belongs to the whole comparison and comes on the first page.
   */
  async compare(base: string, head: string): Promise<ComparisonData> {
    const basehead = `${base}...${head}`;
    const { data } = await this.call("GET", `compare/${basehead}`, (o) =>
      this.octokit.rest.repos.compareCommitsWithBasehead({ ...o, basehead, per_page: 1 }),
    );
    if (typeof data === "string") throw new Error(`GitHub answered compare/${basehead} with text`);
    return data;
  }

  /** The unified diff of `compare/base...head`. */
  async compareDiff(base: string, head: string): Promise<string> {
    const basehead = `${base}...${head}`;
    const { data } = await this.call("GET", `compare/${basehead}.diff`, (o) =>
      this.octokit.rest.repos.compareCommitsWithBasehead({
        ...o,
        basehead,
        mediaType: { format: "diff" },
      }),
    );
    if (typeof data !== "string")
      throw new Error(`GitHub answered compare/${basehead} in diff format with JSON, not text`);
    return data;
  }

  private async call<T>(
    method: GitHubRequest["method"],
    route: string,
    send: (repo: { owner: string; repo: string }) => Promise<T>,
  ): Promise<T> {
    this.requests++;
    this.onRequest?.({ method, route });
    try {
      return await send({ owner: this.owner, repo: this.repo });
    } catch (error) {
      const path = route === "" ? "" : `/${route}`;
      throw new GitHubApiError(`${method} /repos/${this.owner}/${this.repo}${path}`, error);
    }
  }
}

const UPDATE_REFS = `mutation UpdateRefs($repositoryId: ID!, $refUpdates: [RefUpdate!]!) {
  updateRefs(input: { repositoryId: $repositoryId, refUpdates: $refUpdates }) {
    clientMutationId
  }
}`;
