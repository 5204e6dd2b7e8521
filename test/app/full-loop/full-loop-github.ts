import { example, object } from "../../forge/github/openapi.ts";
import type { FakeRepo } from "../session/fake-repo.ts";
import { installFakeRoutes, type Reply, type Route } from "../session/fake-routes.ts";
import { notFound, ok, route } from "../session/git-routes.ts";

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

/**
 * Serves `repo` behind nock as test/app/session does (every request and answer checked against
 * GitHub's OpenAPI description), with the App's routes added. Returns a function that removes it.
 */
export function installFakeGitHub(repo: FakeRepo, people: People): () => void {
  return installFakeRoutes(repo, appRoutes(repo, people));
}
