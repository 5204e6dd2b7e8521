import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { API } from "../../forge/github/github-shapes.ts";
import { checkRequest, checkResponse, type Method, operation } from "../../forge/github/openapi.ts";
import { actionRoutes, ZIP_HOST } from "./actions-routes.ts";
import { FakeRepo } from "./fake-repo.ts";
import { gitRoutes } from "./git-routes.ts";
import { graphqlRoutes } from "./graphql-routes.ts";

export interface Call {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** The Accept header: `application/vnd.github.v3.diff` asks for a diff instead of JSON. */
  accept: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A text answer in another media type (a diff), sent as it is. */
  text?: { content: string; type: string };
}

export interface Route {
  method: Method;
  /** The path as GitHub's OpenAPI description names it, e.g. `/repos/{owner}/{repo}/git/refs`. */
  template: string;
  handle: (call: Call) => Reply;
  /** `POST /graphql`: not in the REST description; its handler checks the document itself. */
  graphql?: boolean;
}

type Answer = readonly [number] | readonly [number, string | Uint8Array, Record<string, string>];

/**
 * A fake GitHub behind nock, fresh for each test: every request must be one GitHub's OpenAPI
 * description defines, with a body it accepts, and every answer is one it may give. A request
 * the fake does not serve, or one that breaks the description, fails the test.
 */
export function useFakeGitHub(): () => FakeRepo {
  let repo = new FakeRepo();
  beforeAll(() => nock.disableNetConnect());
  beforeEach(() => {
    repo = new FakeRepo();
    installFakeRoutes(repo);
  });
  afterEach(() => {
    nock.cleanAll();
    expect(repo.unexpected, "requests the fake GitHub refused").toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
  return () => repo;
}

interface Compiled extends Route {
  pattern: RegExp;
  names: string[];
}

/**
 * Serves `repo` behind nock: the session's git and Actions routes, plus `extra` ones (the App's).
 * Returns a function that removes the interceptors.
 */
export function installFakeRoutes(repo: FakeRepo, extra: readonly Route[] = []): () => void {
  const routes = [...gitRoutes(repo), ...graphqlRoutes(repo), ...actionRoutes(repo), ...extra].map(
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
  if (repo.killed(req.headers.get("user-agent") ?? "")) return lost(repo, where);
  try {
    for (const route of routes) {
      const match = route.method === method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(
        route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]),
      );
      const text = await req.text();
      const body: unknown = text === "" ? undefined : JSON.parse(text);
      if (body !== undefined && !route.graphql) checkRequest(route.method, route.template, body);
      repo.seen.push({ method: req.method, template: route.template, path: url.pathname });
      const query = Object.fromEntries(url.searchParams);
      const accept = req.headers.get("accept") ?? "";
      return send(route, route.handle({ params, query, body, accept }));
    }
    repo.unexpected.push(`${where}: no such route in the fake`);
  } catch (error) {
    repo.unexpected.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return [500, JSON.stringify({ message: "the fake GitHub refused this request" }), JSON_TYPE];
}

const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

function send(route: Route, reply: Reply): Answer {
  if (reply.text !== undefined)
    return [reply.status, reply.text.content, { "content-type": reply.text.type }];
  if (reply.body === undefined) {
    if (reply.headers === undefined) return [reply.status];
    return [reply.status, "", reply.headers];
  }
  if (!route.graphql) checkDocumented(route, reply.status, reply.body);
  return [reply.status, JSON.stringify(reply.body), { ...JSON_TYPE, ...reply.headers }];
}

/**
 * Checks an answer against the description. A few errors GitHub gives are not in it (a dispatch
 * of a missing workflow answers 404); those must still be GitHub's error shape.
 */
function checkDocumented(route: Route, status: number, body: unknown): void {
  try {
    checkResponse(route.method, route.template, status, body);
  } catch (error) {
    const undocumented = error instanceof Error && / gives .* no \d+ response/.test(error.message);
    if (!undocumented || status < 400) throw error;
    const message = typeof body === "object" && body !== null && Reflect.get(body, "message");
    if (typeof message !== "string") throw error;
  }
}

/** What a dead process's request comes to: an error (nock answers 500), and nothing done. */
function lost(repo: FakeRepo, where: string): never {
  repo.lost.push(where);
  throw new Error(`the connection was lost before ${where} reached GitHub`);
}

function download(repo: FakeRepo, req: Request): Answer {
  const where = `GET ${new URL(req.url).pathname}`;
  if (repo.killed(req.headers.get("user-agent") ?? "")) return lost(repo, where);
  const id = Number(/\/artifacts\/(\d+)\.zip$/.exec(new URL(req.url).pathname)?.[1]);
  const artifact = repo.artifacts.get(id);
  repo.seen.push({
    method: "GET",
    template: "<artifact storage>",
    path: new URL(req.url).pathname,
  });
  if (!artifact) return [404, "", {}];
  return [200, Buffer.from(artifact.zip), { "content-type": "application/zip" }];
}

function compile(route: Route): Compiled {
  if (!route.graphql) operation(route.method, route.template);
  const names: string[] = [];
  // A content path keeps its slashes (`.github/autoopt.yml`); every other parameter is one segment.
  const source = route.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return name === "path" ? "(.+)" : "([^/]+)";
  });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}
