import { apiError } from "../../forge/github/github-shapes.ts";
import type { FakeRepo } from "./fake-repo.ts";
import type { Reply, Route } from "./fake-routes.ts";
import { fields, notFound, ok, route } from "./git-routes.ts";
import { type FakePull, pullRequest, pullRequestSimple } from "./session-shapes.ts";

const P = "/repos/{owner}/{repo}";
const CREATE_DOCS = "pulls/pulls#create-a-pull-request";

/**
 * The pull request endpoints the promotion uses, over a FakeRepo, refusing what GitHub refuses
 * with GitHub's own bodies: a 422 "Validation Failed" says what failed only in `errors`.
 */
export function promotionRoutes(repo: FakeRepo): Route[] {
  return [
    route("post", `${P}/pulls`, ({ params, body }) => createPull(repo, params.owner ?? "", body)),
    route("patch", `${P}/pulls/{pull_number}`, ({ params, body }) => {
      const pr = repo.pulls.get(Number(params.pull_number));
      if (!pr) return notFound("pulls/pulls#update-a-pull-request");
      Object.assign(pr, fields(body, ["title", "body"]));
      if (Reflect.get(body as object, "state") === "open") pr.state = "open";
      return ok(pullRequest(pr));
    }),
    route("get", `${P}/pulls`, ({ params, query }) =>
      ok(listPulls(repo, params.owner ?? "", query)),
    ),
  ];
}

function createPull(repo: FakeRepo, owner: string, body: unknown): Reply {
  if (repo.refusesPulls)
    return {
      status: 403,
      body: apiError(403, "Resource not accessible by integration", CREATE_DOCS),
    };
  const { title, base } = fields(body, ["title", "head", "base"]);
  const head = fields(body, ["head"]).head.replace(`${owner}:`, "");
  const headSha = repo.refs.get(`heads/${head}`);
  const baseSha = repo.refs.get(`heads/${base}`);
  if (baseSha === undefined) return validationFailed({ field: "base", code: "invalid" });
  if (headSha === undefined) return validationFailed({ field: "head", code: "invalid" });
  const open = [...repo.pulls.values()].some(
    (p) => p.state === "open" && p.head === head && p.base === base,
  );
  if (open)
    return validationFailed({
      code: "custom",
      message: `A pull request already exists for ${owner}:${head}.`,
    });
  if (repo.isAncestor(headSha, baseSha))
    return validationFailed({ code: "custom", message: `No commits between ${base} and ${head}` });
  const number = repo.nextId();
  const text = fields(body, ["body"]).body;
  const pr: FakePull = { number, head, base, title, body: text, state: "open" };
  repo.pulls.set(number, pr);
  const made = pullRequest(pr);
  return { status: 201, body: made, headers: { location: made.url } };
}

/** GitHub's 422 for a pull request it will not open, e.g. `{ field: "head", code: "invalid" }`. */
function validationFailed(error: { code: string; field?: string; message?: string }): Reply {
  const { message, documentation_url, status } = apiError(422, "Validation Failed", CREATE_DOCS);
  const errors = [{ resource: "PullRequest", ...error }];
  return { status: 422, body: { message, errors, documentation_url, status } };
}

/** GET /pulls: open ones unless `state` says otherwise, newest first, `head` as `owner:branch`. */
function listPulls(repo: FakeRepo, owner: string, query: Record<string, string>) {
  const state = query.state ?? "open";
  const found = [...repo.pulls.values()].filter(
    (p) =>
      (state === "all" || p.state === state) &&
      (query.head === undefined || query.head === `${owner}:${p.head}`) &&
      (query.base === undefined || query.base === p.base),
  );
  const perPage = Number(query.per_page ?? 30);
  return found
    .sort((a, b) => b.number - a.number)
    .slice(0, perPage)
    .map(pullRequestSimple);
}
