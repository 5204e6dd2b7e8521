import nock from "nock";
import { API } from "../../forge/github/github-shapes.ts";
import {
  checkRequest,
  checkResponse,
  example,
  type Method,
  object,
  operation,
} from "../../forge/github/openapi.ts";
import { actionRoutes, ZIP_HOST } from "../session/actions-routes.ts";
import type { FakeRepo } from "../session/fake-repo.ts";
import type { Reply, Route } from "../session/fake-routes.ts";
import { gitRoutes, notFound, ok, route } from "../session/git-routes.ts";

const P = "/repos/{owner}/{repo}";

/** Who may command autoopt in the fake repository, by login; anyone else has `read`. */
export interface People {
  roles: Map<string, string>;
  /** The reactions the App added, as `comment-id:content`. */
  reactions: string[];
}

/**
 * What the App asks of GitHub beyond what a session does (session routes come from
 * test/app/session): its installation token, the 👀 reaction, the commenter's permission and
 * `.github/autoopt.yml`, read from the fake repository's own git content.
 */
function appRoutes(repo: FakeRepo, people: People): Route[] {
  return [
    route("post", "/app/installations/{installation_id}/access_tokens", () => ({
      status: 201,
      body: { ...example("installation-token"), expires_at: "2099-01-01T00:00:00Z" },
    })),
    route("post", `${P}/issues/comments/{comment_id}/reactions`, ({ params, body }) => {
      const content = String(Reflect.get(body as object, "content"));
      people.reactions.push(`${params.comment_id}:${content}`);
      return { status: 201, body: { ...example("reaction"), content } };
    }),
    route("get", `${P}/collaborators/{username}/permission`, ({ params }) => {
      const login = params.username ?? "";
      const role = people.roles.get(login) ?? "read";
      const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      const base = example(
        "repository-collaborator-permission-response-if-user-has-admin-permissions",
      );
      const user = { ...object(base.user, "user"), login, role_name: role };
      return ok({ ...base, permission, role_name: role, user });
    }),
    route("get", `${P}/contents/{path}`, ({ params, query }) => contents(repo, params, query)),
  ];
}

function contents(
  repo: FakeRepo,
  params: Record<string, string>,
  query: Record<string, string>,
): Reply {
  const ref = query.ref ?? "main";
  const sha = repo.refs.get(`heads/${ref}`) ?? (repo.commits.has(ref) ? ref : undefined);
  const path = params.path ?? "";
  const text = sha === undefined ? undefined : repo.file(sha, path);
  if (text === undefined) return notFound("repos/contents#get-repository-content");
  const encoded = Buffer.from(text, "utf8").toString("base64");
  return ok({
    ...example("content-file-response-if-content-is-a-file"),
    name: path.split("/").at(-1),
    path,
    size: Buffer.byteLength(text),
    content: `${encoded.replace(/.{60}/g, "$&\n")}\n`,
  });
}

interface Compiled extends Route {
  pattern: RegExp;
  names: string[];
}

type Answer = readonly [number] | readonly [number, string | Uint8Array, Record<string, string>];

const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

/**
 * Serves `repo` behind nock as fake-routes.ts does (every request and answer checked against
 * GitHub's OpenAPI description), with the App's routes added. Returns a function that removes it.
 */
export function installFakeGitHub(repo: FakeRepo, people: People): () => void {
  const routes = [...gitRoutes(repo), ...actionRoutes(repo), ...appRoutes(repo, people)].map(
    compile,
  );
  for (const method of ["GET", "POST", "PATCH", "DELETE"]) {
    nock(API)
      .persist()
      .intercept(/.*/, method)
      .reply(async (req: Request) => answer(repo, routes, req));
  }
  nock(ZIP_HOST)
    .persist()
    .get(/.*/)
    .reply(async (req: Request) => download(repo, req));
  return () => nock.cleanAll();
}

async function answer(repo: FakeRepo, routes: Compiled[], req: Request): Promise<Answer> {
  const url = new URL(req.url);
  const method = req.method.toLowerCase();
  const where = `${req.method} ${url.pathname}${url.search}`;
  try {
    for (const r of routes) {
      const match = r.method === method ? r.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(
        r.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]),
      );
      const text = await req.text();
      const body: unknown = text === "" ? undefined : JSON.parse(text);
      if (body !== undefined) checkRequest(r.method, r.template, body);
      repo.seen.push({ method: req.method, template: r.template, path: url.pathname });
      return send(r, r.handle({ params, query: Object.fromEntries(url.searchParams), body }));
    }
    repo.unexpected.push(`${where}: no such route in the fake`);
  } catch (error) {
    repo.unexpected.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return [500, JSON.stringify({ message: "the fake GitHub refused this request" }), JSON_TYPE];
}

function send(r: Route, reply: Reply): Answer {
  if (reply.body === undefined) {
    if (reply.headers === undefined) return [reply.status];
    return [reply.status, "", reply.headers];
  }
  try {
    checkResponse(r.method, r.template, reply.status, reply.body);
  } catch (error) {
    // GitHub gives a few errors its description leaves out; they must still be its error shape.
    const undocumented = error instanceof Error && / gives .* no \d+ response/.test(error.message);
    const message = Reflect.get(reply.body as object, "message");
    if (!undocumented || reply.status < 400 || typeof message !== "string") throw error;
  }
  return [reply.status, JSON.stringify(reply.body), { ...JSON_TYPE, ...reply.headers }];
}

function download(repo: FakeRepo, req: Request): Answer {
  const path = new URL(req.url).pathname;
  const artifact = repo.artifacts.get(Number(/\/artifacts\/(\d+)\.zip$/.exec(path)?.[1]));
  repo.seen.push({ method: "GET", template: "<artifact storage>", path });
  if (!artifact) return [404, "", {}];
  return [200, Buffer.from(artifact.zip), { "content-type": "application/zip" }];
}

function compile(r: Route): Compiled {
  operation(r.method as Method, r.template);
  const names: string[] = [];
  // A content path keeps its slashes (`.github/autoopt.yml`); every other parameter is one segment.
  const source = r.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return name === "path" ? "(.+)" : "([^/]+)";
  });
  return { ...r, pattern: new RegExp(`^${source}$`), names };
}
