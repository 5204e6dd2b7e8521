import { createHash } from "node:crypto";
import { example, first, object } from "./openapi.ts";

/**
 * Response bodies in GitHub's shapes: each starts from the matching example in GitHub's OpenAPI
 * description and changes only ids, SHAs, URLs and the fields a test is about.
 */
export const API = "https://api.github.com";
export const OWNER = "octo-org";
export const REPO = "lab";
/** The test repository's GraphQL node id, as GitHub's repository and webhook payloads give it. */
export const REPO_NODE_ID = "R_kgDOautoopt";
const REPO_API = `${API}/repos/${OWNER}/${REPO}`;

/** A stable 40-hex SHA named after what it stands for, so failures read `sha("parent")`. */
export function sha(label: string): string {
  return createHash("sha1").update(label).digest("hex");
}

/** `git-ref`; `ref` without `refs/`. */
export function gitRef(ref: string, commit: string) {
  const base = example("git-ref");
  return {
    ...base,
    ref: `refs/${ref}`,
    url: `${REPO_API}/git/refs/${ref}`,
    object: {
      ...object(base.object, "git-ref.object"),
      sha: commit,
      url: `${REPO_API}/git/commits/${commit}`,
    },
  };
}

/** `git-commit`. */
export function gitCommit(commit: string, tree: string, parents: string[], message = "a commit") {
  const base = example("git-commit");
  const parent = first(base.parents, "git-commit.parents");
  return {
    ...base,
    sha: commit,
    url: `${REPO_API}/git/commits/${commit}`,
    html_url: `https://github.com/${OWNER}/${REPO}/commit/${commit}`,
    message,
    tree: { url: `${REPO_API}/git/trees/${tree}`, sha: tree },
    parents: parents.map((p) => ({
      ...parent,
      sha: p,
      url: `${REPO_API}/git/commits/${p}`,
      html_url: `https://github.com/${OWNER}/${REPO}/commit/${p}`,
    })),
  };
}

export interface TreeFile {
  path: string;
  sha: string;
  mode?: string;
  type?: string;
}

/** `git-tree` (a recursive listing; `truncated` as GitHub sets it past its limits). */
export function gitTree(tree: string, files: readonly TreeFile[], truncated = false) {
  const base = example("git-tree-default-response");
  const { size, ...entry } = first(base.tree, "git-tree.tree");
  return {
    ...base,
    sha: tree,
    url: `${REPO_API}/git/trees/${tree}`,
    truncated,
    tree: files.map((f) => {
      const type = f.type ?? "blob";
      return {
        ...entry,
        path: f.path,
        mode: f.mode ?? "100644",
        type,
        sha: f.sha,
        url: `${REPO_API}/git/${type === "tree" ? "trees" : "blobs"}/${f.sha}`,
        ...(type === "blob" ? { size } : {}),
      };
    }),
  };
}

/** `blob`, base64 in 60-character lines as GitHub sends it. */
export function blob(blobSha: string, text: string) {
  const encoded = Buffer.from(text, "utf8").toString("base64");
  return {
    ...example("blob"),
    sha: blobSha,
    url: `${REPO_API}/git/blobs/${blobSha}`,
    size: Buffer.byteLength(text),
    content: `${encoded.replace(/.{60}/g, "$&\n")}\n`,
  };
}

/** `short-blob`, the answer to POST /git/blobs. */
export function shortBlob(blobSha: string) {
  return { ...example("short-blob"), sha: blobSha, url: `${REPO_API}/git/blobs/${blobSha}` };
}

export interface ChangedFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  previous_filename?: string;
}

/** `commit-comparison` of `base...head`, with the given status and files. */
export function comparison(base: string, head: string, status: string, files: ChangedFile[]) {
  const model = example("commit-comparison");
  const file = first(model.files, "commit-comparison.files");
  return {
    ...model,
    url: `${REPO_API}/compare/${base}...${head}`,
    html_url: `https://github.com/${OWNER}/${REPO}/compare/${base}...${head}`,
    status,
    ahead_by: status === "identical" ? 0 : 1,
    behind_by: status === "behind" || status === "diverged" ? 1 : 0,
    files: files.map((f) => ({
      ...file,
      ...f,
      sha: sha(`${head}:${f.filename}`),
      blob_url: `https://github.com/${OWNER}/${REPO}/blob/${head}/${f.filename}`,
      raw_url: `https://github.com/${OWNER}/${REPO}/raw/${head}/${f.filename}`,
      contents_url: `${REPO_API}/contents/${f.filename}?ref=${head}`,
    })),
  };
}

/** The body of a GitHub error (`validation-error` for 422s, `basic-error` otherwise). */
export function apiError(status: number, message: string, docs: string) {
  return {
    message,
    documentation_url: `https://docs.github.com/rest/${docs}`,
    status: String(status),
  };
}
