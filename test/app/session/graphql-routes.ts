import { example } from "../../forge/github/openapi.ts";
import type { FakeRepo } from "./fake-repo.ts";
import type { Reply, Route } from "./fake-routes.ts";
import { ok, route } from "./git-routes.ts";

const NO_OBJECT = "0".repeat(40);
const OID = /^[0-9a-f]{40}$/;

/**
 * The one GraphQL document the fake serves: the `updateRefs` mutation with the repository's node
 * id and the ref updates as variables, selecting `clientMutationId`. Any other document fails the
 * test that sent it.
 */
const UPDATE_REFS =
  /^mutation(?: \w+)? ?\( ?\$repositoryId: ID! ?, ?\$refUpdates: \[RefUpdate!\]! ?\) ?\{ ?updateRefs ?\( ?input: ?\{ ?repositoryId: \$repositoryId ?, ?refUpdates: \$refUpdates ?\} ?\) ?\{ ?clientMutationId ?\} ?\}$/;

interface RefUpdate {
  name: string;
  afterOid: string;
  beforeOid?: string;
  force?: boolean;
}

/**
 * `POST /graphql` (not in the REST description, so served unchecked by it) and
 * `GET /repos/{owner}/{repo}`, whose `node_id` the mutation takes. `updateRefs` as GitHub
 * documents it: every update checked first (`beforeOid` the ref's value, 000… that it does not
 * exist; a non-`force` update a fast-forward), then all made or none. A refusal is GraphQL's
 * error shape: HTTP 200, `data.updateRefs` null and an `errors` entry with its type, path and
 * location. Stricter than GitHub may be where its documentation is silent: deleting a ref that
 * does not exist is refused.
 */
export function graphqlRoutes(repo: FakeRepo): Route[] {
  return [
    route("get", "/repos/{owner}/{repo}", ({ params }) =>
      ok({
        ...example("full-repository"),
        // The example predates this field, which the schema requires.
        has_discussions: false,
        node_id: repo.nodeId,
        name: params.repo,
        full_name: `${params.owner}/${params.repo}`,
      }),
    ),
    { ...route("post", "/graphql", ({ body }) => graphql(repo, body)), graphql: true },
  ];
}

function graphql(repo: FakeRepo, body: unknown): Reply {
  const query = String(Reflect.get(body as object, "query") ?? "")
    .replace(/\s+/g, " ")
    .trim();
  if (!UPDATE_REFS.test(query))
    throw new Error(`the fake serves no such GraphQL document: ${query}`);
  const variables = Reflect.get(body as object, "variables") as Record<string, unknown>;
  const updates = refUpdates(variables.refUpdates);
  if (variables.repositoryId !== repo.nodeId)
    return refused(
      "NOT_FOUND",
      `Could not resolve to a node with the global id of '${String(variables.repositoryId)}'`,
    );
  for (const update of updates) {
    const problem = check(repo, update);
    if (problem !== undefined) return refused("UNPROCESSABLE", problem);
  }
  for (const { name, afterOid } of updates) {
    const ref = name.replace(/^refs\//, "");
    if (afterOid === NO_OBJECT) repo.refs.delete(ref);
    else repo.refs.set(ref, afterOid);
  }
  repo.refUpdates.push(updates.map((u) => u.name));
  return ok({ data: { updateRefs: { clientMutationId: null } } });
}

/** Why GitHub would refuse this update, or undefined. */
function check(
  repo: FakeRepo,
  { name, afterOid, beforeOid, force }: RefUpdate,
): string | undefined {
  const current = repo.refs.get(name.replace(/^refs\//, ""));
  if (beforeOid !== undefined && (current ?? NO_OBJECT) !== beforeOid)
    return `${name} is at ${current ?? "nothing"}, not at ${beforeOid}`;
  if (afterOid === NO_OBJECT)
    return current === undefined ? `${name} does not exist and cannot be deleted` : undefined;
  if (!repo.commits.has(afterOid)) return `${afterOid} is not a commit of this repository`;
  if (current !== undefined && force !== true && !repo.isAncestor(current, afterOid))
    return `updating ${name} from ${current} to ${afterOid} is not a fast-forward`;
  return undefined;
}

function refused(type: string, message: string): Reply {
  const error = { type, path: ["updateRefs"], locations: [{ line: 2, column: 3 }], message };
  return ok({ data: { updateRefs: null }, errors: [error] });
}

/** The `refUpdates` variable, checked as GraphQL checks an input: a wrong field fails the test. */
function refUpdates(value: unknown): RefUpdate[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new Error("refUpdates is not a non-empty list");
  return value.map((entry: Record<string, unknown>) => {
    const extra = Object.keys(entry).filter(
      (k) => !["name", "afterOid", "beforeOid", "force"].includes(k),
    );
    if (extra.length > 0) throw new Error(`RefUpdate has no field ${extra.join(", ")}`);
    const { name, afterOid, beforeOid, force } = entry;
    if (typeof name !== "string" || !name.startsWith("refs/"))
      throw new Error(`RefUpdate.name must be a full ref name: ${String(name)}`);
    if (typeof afterOid !== "string" || !OID.test(afterOid))
      throw new Error(`RefUpdate.afterOid is not an object id: ${String(afterOid)}`);
    if (beforeOid !== undefined && (typeof beforeOid !== "string" || !OID.test(beforeOid)))
      throw new Error(`RefUpdate.beforeOid is not an object id: ${String(beforeOid)}`);
    if (force !== undefined && typeof force !== "boolean")
      throw new Error("RefUpdate.force is not a boolean");
    return entry as unknown as RefUpdate;
  });
}
