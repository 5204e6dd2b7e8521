/**
 * The Octokit methods autoopt uses, typed structurally: `new Octokit()` from @octokit/rest and the
 * `context.octokit` Probot hands out both fit, whatever @octokit/types version each was built
 * with. Only the response fields autoopt reads are declared (lenient on data from GitHub).
 */
export interface GitHubClient {
  rest: {
    git: {
      getRef: Call<{ ref: string }, GitRefData>;
      createRef: Call<{ ref: string; sha: string }, GitRefData>;
      updateRef: Call<{ ref: string; sha: string; force?: boolean }, GitRefData>;
      deleteRef: Call<{ ref: string }, unknown>;
      listMatchingRefs: Call<{ ref: string; per_page?: number }, GitRefData[]>;
      getCommit: Call<{ commit_sha: string }, GitCommitData>;
      getTree: Call<{ tree_sha: string; recursive?: string }, GitTreeData>;
      getBlob: Call<{ file_sha: string }, GitBlobData>;
      createBlob: Call<{ content: string; encoding?: string }, { sha: string }>;
      createTree: Call<{ tree: NewTreeEntry[]; base_tree?: string }, { sha: string }>;
      createCommit: Call<{ message: string; tree: string; parents?: string[] }, { sha: string }>;
    };
    repos: {
      get: Call<Record<never, never>, { node_id: string }>;
      compareCommitsWithBasehead: Call<
        { basehead: string; per_page?: number; mediaType?: { format?: string } },
        ComparisonData | string
      >;
    };
  };
  /** `POST /graphql`: Octokit resolves with `data`, and throws when GitHub answers with `errors`. */
  graphql(query: string, variables?: Record<string, unknown>): Promise<unknown>;
}

type Call<P, D> = (params: { owner: string; repo: string } & P) => Promise<{ data: D }>;

export interface GitRefData {
  ref: string;
  object: { sha: string; type: string };
}

export interface GitCommitData {
  sha: string;
  tree: { sha: string };
  parents: { sha: string }[];
}

export interface GitTreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
}

export interface GitTreeData {
  sha: string;
  tree: GitTreeEntry[];
  truncated: boolean;
}

export interface GitBlobData {
  content: string;
  encoding: string;
}

/** A file in a comparison (`diff-entry` in GitHub's OpenAPI description). */
export interface DiffEntry {
  filename: string;
  status: string;
  previous_filename?: string;
}

export interface ComparisonData {
  status: string;
  files?: DiffEntry[];
}

export type TreeMode = "100644" | "100755" | "040000" | "160000" | "120000";

/**
 * An entry of POST /git/trees: an object by `sha` (`null` deletes the path from `base_tree`), or
 * a file by its `content`, which GitHub stores as a blob in the same request.
 */
export type NewTreeEntry =
  | { path: string; mode: TreeMode; type: "blob" | "tree" | "commit"; sha: string | null }
  | { path: string; mode: TreeMode; type: "blob"; content: string };

/** An entry of GraphQL's `updateRefs` input (`RefUpdate`): full ref names, 40-hex object ids. */
export interface RefUpdate {
  name: string;
  afterOid: string;
  beforeOid?: string;
  force?: boolean;
}
