import { isDeepStrictEqual } from "node:util";
import nock from "nock";
import { API, apiError, OWNER, REPO } from "../../forge/github/github-shapes.ts";
import {
  checkRequest,
  checkResponse,
  example,
  type Method,
  object,
  operation,
} from "../../forge/github/openapi.ts";
import { COMMENT_ID, COMMENTER, ISSUE } from "./comment-payloads.ts";
import { DEFAULT_BRANCH, INSTALLATION_ID } from "./webhook-payloads.ts";

interface Reply {
  status: number;
  body: unknown;
}

/**
 * The GitHub API calls of the App's command handler, each checked against GitHub's OpenAPI
 * description (the operation exists, the request body is one it accepts, the reply one it may
 * give) and answered with a body built from its example. With `useNock()`, a call not expected
 * here or an expected call never made fails the test.
 */
export class AppApiMock {
  readonly scope = nock(API);
  readonly #comments: string[] = [];

  /** The installation token Probot asks for before its first call for an installation. */
  token(): this {
    // The example's token expired in 2016; Probot would still use it, but a real one is fresh.
    const body = { ...example("installation-token"), expires_at: "2099-01-01T00:00:00Z" };
    const path = "/app/installations/{installation_id}/access_tokens";
    return this.expect("post", path, { installation_id: String(INSTALLATION_ID) }, undefined, {
      status: 201,
      body,
    });
  }

  /**
   * The 👀 on the command, as the App's bot user adds it: GitHub answers 201 when it creates the
   * reaction and 200 when that user had already added it (the same body, the one reaction).
   */
  eyes(status: 200 | 201 = 201): this {
    const base = example("reaction");
    const user = { ...object(base.user, "reaction.user"), login: "autoopt[bot]", type: "Bot" };
    return this.reaction({ status, body: { ...base, user, content: "eyes" } });
  }

  /** The 👀 refused with GitHub's 422 (it answers so when "the endpoint has been spammed"). */
  eyesRefused(): this {
    const docs = "reactions/reactions#create-reaction-for-an-issue-comment";
    return this.reaction({ status: 422, body: apiError(422, "Validation Failed", docs) });
  }

  /** The App's 👀 on the command comment, answered with `reply`. */
  private reaction(reply: { status: number; body: unknown }): this {
    const path = "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions";
    const params = { comment_id: String(COMMENT_ID) };
    return this.expect("post", path, params, { content: "eyes" }, reply);
  }

  /** `permission` as GitHub folds it (admin|write|read|none) and the role itself. */
  permission(permission: string, roleName: string, username = COMMENTER): this {
    const base = example(
      "repository-collaborator-permission-response-if-user-has-admin-permissions",
    );
    // The example's user lacks the `role_name` the schema requires (and GitHub sends).
    const user = { ...object(base.user, "user"), login: username, role_name: roleName };
    const reply = { status: 200, body: { ...base, permission, role_name: roleName, user } };
    const path = "/repos/{owner}/{repo}/collaborators/{username}/permission";
    return this.expect("get", path, { username }, undefined, reply);
  }

  /** `.github/autoopt.yml` on the default branch; undefined text answers 404. */
  config(text: string | undefined): this {
    const reply =
      text === undefined
        ? { status: 404, body: apiError(404, "Not Found", "repos/contents#get-repository-content") }
        : { status: 200, body: file(".github/autoopt.yml", text) };
    const path = "/repos/{owner}/{repo}/contents/{path}";
    return this.expect("get", path, { path: ".github/autoopt.yml" }, undefined, reply, {
      ref: DEFAULT_BRANCH,
    });
  }

  /** One reply on the test issue; its body is kept for `comments()`. */
  comment(): this {
    const path = "/repos/{owner}/{repo}/issues/{issue_number}/comments";
    const reply = { status: 201, body: example("issue-comment") };
    return this.expect("post", path, { issue_number: String(ISSUE) }, this.#comments, reply);
  }

  /** The bodies of the replies posted, each checked as a request GitHub accepts. */
  comments(): string[] {
    for (const body of this.#comments) checkRequest("post", TEMPLATE_COMMENTS, { body });
    return [...this.#comments];
  }

  private expect(
    method: Method,
    template: string,
    params: Record<string, string>,
    body: object | string[] | undefined,
    reply: Reply,
    query?: Record<string, string>,
  ): this {
    operation(method, template);
    if (body !== undefined && !Array.isArray(body)) checkRequest(method, template, body);
    checkResponse(method, template, reply.status, reply.body);
    const path = expand(template, { owner: OWNER, repo: REPO, ...params });
    const matches = (sent: unknown): boolean => {
      if (body === undefined) return true;
      if (!Array.isArray(body)) return isDeepStrictEqual(sent, body);
      const text =
        typeof sent === "object" && sent !== null ? Reflect.get(sent, "body") : undefined;
      if (typeof text !== "string") return false;
      body.push(text);
      return true;
    };
    let interceptor = this.scope.intercept(path, method.toUpperCase(), matches);
    if (query !== undefined) interceptor = interceptor.query(query);
    interceptor.reply(reply.status, JSON.stringify(reply.body), {
      "content-type": "application/json; charset=utf-8",
    });
    return this;
  }
}

const TEMPLATE_COMMENTS = "/repos/{owner}/{repo}/issues/{issue_number}/comments";

/** `content-file`, base64 in 60-character lines as GitHub sends it. */
function file(path: string, text: string) {
  const encoded = Buffer.from(text, "utf8").toString("base64");
  return {
    ...example("content-file-response-if-content-is-a-file"),
    name: path.split("/").at(-1),
    path,
    size: Buffer.byteLength(text),
    content: `${encoded.replace(/.{60}/g, "$&\n")}\n`,
  };
}

/** RFC 6570 simple expansion, as OpenAPI path parameters are serialized. */
function expand(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
