import {
  apiError,
  blob,
  comparison,
  gitCommit,
  gitRef,
  gitTree,
  shortBlob,
} from "../../forge/github/github-shapes.ts";
import type { Entry, FakeRepo } from "./fake-repo.ts";
import type { Reply, Route } from "./fake-routes.ts";

const P = "/repos/{owner}/{repo}";

/** The Git Data endpoints the forge and the ledger branch use, over a FakeRepo. */
export function gitRoutes(repo: FakeRepo): Route[] {
  return [
    route("get", `${P}/git/ref/{ref}`, ({ params }) => {
      const sha = repo.refs.get(params.ref ?? "");
      return sha === undefined
        ? notFound("git/refs#get-a-reference")
        : ok(gitRef(params.ref ?? "", sha));
    }),
    route("get", `${P}/git/matching-refs/{ref}`, ({ params }) => {
      const prefix = params.ref ?? "";
      const refs = [...repo.refs].filter(([ref]) => ref.startsWith(prefix));
      return ok(refs.map(([ref, sha]) => gitRef(ref, sha)));
    }),
    route("post", `${P}/git/refs`, ({ body }) => {
      const { ref, sha } = fields(body, ["ref", "sha"]);
      const name = ref.replace(/^refs\//, "");
      if (repo.refs.has(name))
        return invalid("Reference already exists", "git/refs#create-a-reference");
      repo.refs.set(name, sha);
      return { status: 201, body: gitRef(name, sha) };
    }),
    route("patch", `${P}/git/refs/{ref}`, ({ params, body }) =>
      updateRef(repo, params.ref ?? "", body),
    ),
    route("delete", `${P}/git/refs/{ref}`, ({ params }) => {
      if (!repo.refs.delete(params.ref ?? ""))
        return invalid("Reference does not exist", "git/refs#delete-a-reference");
      return { status: 204 };
    }),
    ...objectRoutes(repo),
    route("get", `${P}/compare/{basehead}`, ({ params, accept }) => {
      const [base = "", head = ""] = (params.basehead ?? "").split("...");
      if (/\bdiff\b/.test(accept)) {
        const content = unifiedDiff(repo, base, head);
        return {
          status: 200,
          text: { content, type: "application/vnd.github.diff; charset=utf-8" },
        };
      }
      return ok(compare(repo, base, head));
    }),
  ];
}

/** `base...head` as GitHub compares it: from the merge base to `head` (linear histories suffice). */
function compare(repo: FakeRepo, base: string, head: string) {
  const status =
    base === head
      ? "identical"
      : repo.isAncestor(base, head)
        ? "ahead"
        : repo.isAncestor(head, base)
          ? "behind"
          : "diverged";
  const from = status === "diverged" ? mergeBase(repo, base, head) : base;
  const before = repo.treeOf(from);
  const after = repo.treeOf(head);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const files = paths
    .filter((path) => before.get(path)?.sha !== after.get(path)?.sha)
    .map((filename) => ({
      filename,
      status: before.has(filename)
        ? after.has(filename)
          ? ("modified" as const)
          : ("removed" as const)
        : ("added" as const),
    }));
  return comparison(base, head, status, files);
}

/**
 * `git diff base head` as GitHub's diff media type gives it, each changed file as one hunk
 * (enough for the App, which shows diffs and never applies them).
 */
function unifiedDiff(repo: FakeRepo, base: string, head: string): string {
  const before = repo.treeOf(base);
  const after = repo.treeOf(head);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const lines = (entry: Entry | undefined) => {
    const text = entry === undefined ? "" : (repo.blobs.get(entry.sha) ?? "");
    return text === "" ? [] : text.replace(/\n$/, "").split("\n");
  };
  return paths
    .filter((path) => before.get(path)?.sha !== after.get(path)?.sha)
    .map((path) => {
      const old = lines(before.get(path));
      const now = lines(after.get(path));
      return [
        `diff --git a/${path} b/${path}`,
        `--- ${before.has(path) ? `a/${path}` : "/dev/null"}`,
        `+++ ${after.has(path) ? `b/${path}` : "/dev/null"}`,
        `@@ -1,${old.length} +1,${now.length} @@`,
        ...old.map((l) => `-${l}`),
        ...now.map((l) => `+${l}`),
      ].join("\n");
    })
    .map((file) => `${file}\n`)
    .join("");
}

function mergeBase(repo: FakeRepo, a: string, b: string): string {
  const queue = [b];
  while (queue.length > 0) {
    const sha = queue.shift() ?? "";
    if (repo.isAncestor(sha, a)) return sha;
    queue.push(...(repo.commits.get(sha)?.parents ?? []));
  }
  throw new Error(`${a} and ${b} have no common ancestor in the fake repository`);
}

function updateRef(repo: FakeRepo, ref: string, body: unknown): Reply {
  const { sha } = fields(body, ["sha"]);
  const current = repo.refs.get(ref);
  const docs = "git/refs#update-a-reference";
  if (current === undefined) return invalid("Reference does not exist", docs);
  const force = typeof body === "object" && body !== null && Reflect.get(body, "force") === true;
  if (!force && !repo.isAncestor(current, sha))
    return invalid("Update is not a fast forward", docs);
  repo.refs.set(ref, sha);
  return ok(gitRef(ref, sha));
}

function objectRoutes(repo: FakeRepo): Route[] {
  return [
    route("get", `${P}/git/commits/{commit_sha}`, ({ params }) => {
      const sha = params.commit_sha ?? "";
      const commit = repo.commits.get(sha);
      if (!commit) return notFound("git/commits#get-a-commit-object");
      return ok(gitCommit(sha, commit.tree, commit.parents, commit.message));
    }),
    route("post", `${P}/git/commits`, ({ body }) => {
      const { message, tree } = fields(body, ["message", "tree"]);
      const parents = Reflect.get(body as object, "parents") as string[];
      const sha = repo.commit(tree, parents, message);
      return { status: 201, body: gitCommit(sha, tree, parents, message) };
    }),
    route("get", `${P}/git/trees/{tree_sha}`, ({ params }) => {
      const sha = params.tree_sha ?? "";
      const entries = repo.trees.get(sha);
      if (!entries) return notFound("git/trees#get-a-tree");
      return ok(
        gitTree(
          sha,
          [...entries].map(([path, e]) => ({ path, ...e })),
        ),
      );
    }),
    route("post", `${P}/git/trees`, ({ body }) => {
      const sha = createTree(repo, body);
      return { status: 201, body: gitTree(sha, []) };
    }),
    route("get", `${P}/git/blobs/{file_sha}`, ({ params }) => {
      const sha = params.file_sha ?? "";
      const text = repo.blobs.get(sha);
      return text === undefined ? notFound("git/blobs#get-a-blob") : ok(blob(sha, text));
    }),
    route("post", `${P}/git/blobs`, ({ body }) => {
      const { content } = fields(body, ["content"]);
      return { status: 201, body: shortBlob(repo.blob(content)) };
    }),
  ];
}

function createTree(repo: FakeRepo, body: unknown): string {
  const base = Reflect.get(body as object, "base_tree");
  const entries = new Map<string, Entry>(
    typeof base === "string" ? (repo.trees.get(base) ?? []) : [],
  );
  const changes = Reflect.get(body as object, "tree") as {
    path: string;
    mode: string;
    type: "blob" | "commit";
    sha?: string | null;
    content?: string;
  }[];
  for (const { path, mode, type, sha, content } of changes) {
    // GitHub stores inline `content` as a blob within the same request.
    if (content !== undefined) entries.set(path, { mode, type, sha: repo.blob(content) });
    else if (sha === null || sha === undefined) entries.delete(path);
    else entries.set(path, { mode, type, sha });
  }
  return repo.tree(entries);
}

export function route(method: Route["method"], template: string, handle: Route["handle"]): Route {
  return { method, template, handle };
}

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

export function notFound(docs: string): Reply {
  return { status: 404, body: apiError(404, "Not Found", docs) };
}

export function invalid(message: string, docs: string): Reply {
  return { status: 422, body: apiError(422, message, docs) };
}

/** String fields of a request body; a missing one fails the test that sent it. */
export function fields<K extends string>(body: unknown, keys: K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of keys) {
    const value = typeof body === "object" && body !== null ? Reflect.get(body, key) : undefined;
    if (typeof value !== "string") throw new Error(`the request body has no string "${key}"`);
    out[key] = value;
  }
  return out;
}
