import { isDeepStrictEqual } from "node:util";
import { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import {
  API,
  apiError,
  blob,
  type ChangedFile,
  comparison,
  gitCommit,
  gitRef,
  gitTree,
  OWNER,
  REPO,
  shortBlob,
  type TreeFile,
} from "./github-shapes.ts";
import { checkRequest, checkResponse, example, type Method, operation } from "./openapi.ts";

/** Octokit as the App will have it, quiet, against the mocked API. */
export function octokit(): Octokit {
  const quiet = () => {};
  return new Octokit({ log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
}

/**
 * No real network; after each test, a request no mock matched or a mock never called fails it
 * (a request that fails to match would otherwise surface as an error the code might swallow).
 */
export function useNock(): void {
  let unmatched: string[] = [];
  const onNoMatch = (req: unknown) => unmatched.push(describe(req));
  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on("no match", onNoMatch);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    const missed = unmatched;
    nock.cleanAll();
    unmatched = [];
    expect(missed, "requests no mock matched").toEqual([]);
    expect(pending, "mocks never called").toEqual([]);
  });
  afterAll(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    nock.enableNetConnect();
  });
}

interface Reply {
  status: number;
  body?: unknown;
}

/** A 422 as GitHub words it, e.g. `rejected("Update is not a fast forward")`. */
export function rejected(message: string, docs = "git/refs#update-a-reference"): Reply {
  return { status: 422, body: apiError(422, message, docs) };
}

export const NOT_FOUND: Reply = {
  status: 404,
  body: apiError(404, "Not Found", "git/refs#get-a-reference"),
};

/**
 * Expected requests to one repository's Git Data and compare endpoints. Each is checked against
 * GitHub's OpenAPI description: the operation exists, the request body is one it accepts (no
 * unknown fields), the reply is one it may give. Paths are the description's templates expanded
 * as OpenAPI path parameters are (`/` in a ref is `%2F`, as Octokit sends it).
 */
export class GitHubMock {
  readonly scope = nock(API);

  getRef(ref: string, commit: string | undefined): this {
    const reply = commit === undefined ? NOT_FOUND : { status: 200, body: gitRef(ref, commit) };
    return this.expect("get", "/repos/{owner}/{repo}/git/ref/{ref}", { ref }, {}, reply);
  }

  createRef(ref: string, commit: string, reply?: Reply): this {
    const body = { ref: `refs/${ref}`, sha: commit };
    const answer = reply ?? { status: 201, body: gitRef(ref, commit) };
    return this.expect("post", "/repos/{owner}/{repo}/git/refs", {}, { body }, answer);
  }

  updateRef(ref: string, commit: string, force: boolean, reply?: Reply): this {
    const answer = reply ?? { status: 200, body: gitRef(ref, commit) };
    const body = { sha: commit, force };
    return this.expect("patch", "/repos/{owner}/{repo}/git/refs/{ref}", { ref }, { body }, answer);
  }

  deleteRef(ref: string, reply: Reply = { status: 204 }): this {
    return this.expect("delete", "/repos/{owner}/{repo}/git/refs/{ref}", { ref }, {}, reply);
  }

  /** GET matching-refs for `prefix`, answering with the refs given as [ref, commit] pairs. */
  matchingRefs(prefix: string, found: readonly (readonly [string, string])[]): this {
    const reply = { status: 200, body: found.map(([ref, commit]) => gitRef(ref, commit)) };
    const path = "/repos/{owner}/{repo}/git/matching-refs/{ref}";
    return this.expect("get", path, { ref: prefix }, { query: { per_page: "100" } }, reply);
  }

  getCommit(commit: string, tree: string, parents: string[]): this {
    const reply = { status: 200, body: gitCommit(commit, tree, parents) };
    const path = "/repos/{owner}/{repo}/git/commits/{commit_sha}";
    return this.expect("get", path, { commit_sha: commit }, {}, reply);
  }

  getTree(tree: string, files: readonly TreeFile[], truncated = false): this {
    const reply = { status: 200, body: gitTree(tree, files, truncated) };
    const path = "/repos/{owner}/{repo}/git/trees/{tree_sha}";
    return this.expect("get", path, { tree_sha: tree }, { query: { recursive: "1" } }, reply);
  }

  getBlob(blobSha: string, text: string): this {
    const reply = { status: 200, body: blob(blobSha, text) };
    const path = "/repos/{owner}/{repo}/git/blobs/{file_sha}";
    return this.expect("get", path, { file_sha: blobSha }, {}, reply);
  }

  createBlob(content: string, blobSha: string): this {
    const body = { content, encoding: "utf-8" };
    const reply = { status: 201, body: shortBlob(blobSha) };
    return this.expect("post", "/repos/{owner}/{repo}/git/blobs", {}, { body }, reply);
  }

  createTree(body: { tree: unknown[]; base_tree?: string }, tree: string): this {
    const reply = { status: 201, body: gitTree(tree, []) };
    return this.expect("post", "/repos/{owner}/{repo}/git/trees", {}, { body }, reply);
  }

  createCommit(body: { message: string; tree: string; parents: string[] }, commit: string): this {
    const reply = { status: 201, body: gitCommit(commit, body.tree, body.parents, body.message) };
    return this.expect("post", "/repos/{owner}/{repo}/git/commits", {}, { body }, reply);
  }

  /** `GET /repos/{owner}/{repo}`, answering with the repository's GraphQL node id. */
  getRepository(nodeId: string): this {
    // The example predates has_discussions, which the schema requires.
    const body = { ...example("full-repository"), node_id: nodeId, has_discussions: false };
    return this.expect("get", "/repos/{owner}/{repo}", {}, {}, { status: 200, body });
  }

  /**
   * `POST /graphql` with the updateRefs mutation and exactly these variables. GraphQL is not in
   * the REST description: the answer is GraphQL's own shape, `{ data }` when made, or HTTP 200
   * with `data.updateRefs: null` and an `errors` entry when refused (`refusal` is its message).
   */
  updateRefs(
    repositoryId: string,
    refUpdates: readonly { name: string; afterOid: string; beforeOid?: string; force?: boolean }[],
    refusal?: string,
  ): this {
    const matches = (sent: unknown) =>
      typeof sent === "object" &&
      sent !== null &&
      /^mutation[\s\S]*updateRefs\(input: \{ repositoryId: \$repositoryId, refUpdates: \$refUpdates \}\)/.test(
        String(Reflect.get(sent, "query")),
      ) &&
      isDeepStrictEqual(Reflect.get(sent, "variables"), { repositoryId, refUpdates });
    const body =
      refusal === undefined
        ? { data: { updateRefs: { clientMutationId: null } } }
        : {
            data: { updateRefs: null },
            errors: [
              {
                type: "UNPROCESSABLE",
                path: ["updateRefs"],
                locations: [{ line: 2, column: 3 }],
                message: refusal,
              },
            ],
          };
    this.scope
      .post("/graphql", matches)
      .reply(200, body, { "content-type": "application/json; charset=utf-8" });
    return this;
  }

  compare(base: string, head: string, status: string, files: ChangedFile[]): this {
    const reply = { status: 200, body: comparison(base, head, status, files) };
    const path = "/repos/{owner}/{repo}/compare/{basehead}";
    const query = { per_page: "1" };
    return this.expect("get", path, { basehead: `${base}...${head}` }, { query }, reply);
  }

  compareDiff(base: string, head: string, diff: string): this {
    const path = "/repos/{owner}/{repo}/compare/{basehead}";
    const request = { accept: /application\/vnd\.github\.v3\.diff/ };
    const reply = { status: 200, body: diff };
    return this.expect("get", path, { basehead: `${base}...${head}` }, request, reply);
  }

  private expect(
    method: Method,
    template: string,
    params: Record<string, string>,
    request: { body?: object; query?: Record<string, string>; accept?: RegExp },
    reply: Reply,
  ): this {
    operation(method, template);
    if (request.body !== undefined) checkRequest(method, template, request.body);
    if (reply.body !== undefined) checkResponse(method, template, reply.status, reply.body);
    const path = expand(template, { owner: OWNER, repo: REPO, ...params });
    const body = request.body;
    const matches =
      body === undefined ? undefined : (sent: unknown) => isDeepStrictEqual(sent, body);
    let interceptor = this.scope.intercept(path, method.toUpperCase(), matches);
    if (request.query !== undefined) interceptor = interceptor.query(request.query);
    if (request.accept !== undefined)
      interceptor = interceptor.matchHeader("accept", request.accept);
    const type =
      typeof reply.body === "string" ? "application/vnd.github.diff" : "application/json";
    interceptor.reply(reply.status, reply.body ?? "", { "content-type": `${type}; charset=utf-8` });
    return this;
  }
}

/** RFC 6570 simple expansion, as OpenAPI path parameters are serialized. */
function expand(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}

function describe(req: unknown): string {
  if (typeof req !== "object" || req === null) return String(req);
  const method = Reflect.get(req, "method");
  const path = Reflect.get(req, "path") ?? Reflect.get(req, "url");
  return `${String(method)} ${String(path)}`;
}
