import type { FakeRepo } from "./fake-repo.ts";
import type { Reply, Route } from "./fake-routes.ts";
import { fields, invalid, notFound, ok, route } from "./git-routes.ts";
import { promotionRoutes } from "./promotion-routes.ts";
import { artifact, dispatchDetails, issueComment, workflowRun } from "./session-shapes.ts";

const P = "/repos/{owner}/{repo}";

/** Where the fake storage serves artifact zips (GitHub redirects downloads to such a host). */
export const ZIP_HOST = "https://pipelines.actions.githubusercontent.com";

/** The Actions, issue comment and pull request endpoints sessions use, over a FakeRepo. */
export function actionRoutes(repo: FakeRepo): Route[] {
  return [
    route("post", `${P}/actions/workflows/{workflow_id}/dispatches`, ({ params, body }) =>
      dispatch(repo, params.workflow_id ?? "", body),
    ),
    route("get", `${P}/actions/workflows/{workflow_id}/runs`, ({ params }) => {
      const runs = [...repo.runs.values()].filter(
        (r) => r.workflow === params.workflow_id && (repo.listsNewRuns || r.status === "completed"),
      );
      const listed = runs.reverse().map(workflowRun);
      return ok({ total_count: listed.length, workflow_runs: listed });
    }),
    route("get", `${P}/actions/runs/{run_id}`, ({ params }) => {
      const run = repo.runs.get(Number(params.run_id));
      return run ? ok(workflowRun(run)) : notFound("actions/workflow-runs#get-a-workflow-run");
    }),
    route("get", `${P}/actions/runs/{run_id}/artifacts`, ({ params, query }) => {
      const runId = Number(params.run_id);
      const found = [...repo.artifacts.values()].filter(
        (a) => a.runId === runId && (query.name === undefined || a.name === query.name),
      );
      const listed = found.map((a) => artifact(a.id, a.name, a.runId, a.expired));
      return ok({ total_count: listed.length, artifacts: listed });
    }),
    route("get", `${P}/actions/artifacts/{artifact_id}/{archive_format}`, ({ params }) => {
      if (!repo.artifacts.has(Number(params.artifact_id)))
        return notFound("actions/artifacts#download-an-artifact");
      const location = `${ZIP_HOST}/artifacts/${params.artifact_id}.zip?sig=fake`;
      return { status: 302, headers: { location } };
    }),
    ...issueRoutes(repo),
    ...promotionRoutes(repo),
  ];
}

function dispatch(repo: FakeRepo, workflow: string, body: unknown): Reply {
  if (!repo.workflows.has(workflow))
    return notFound("actions/workflows#create-a-workflow-dispatch-event");
  const inputs = Reflect.get(body as object, "inputs") as Record<string, string>;
  const unexpected = Object.keys(inputs).filter((name) => !repo.workflowInputs.has(name));
  if (unexpected.length > 0)
    return invalid(
      `Unexpected inputs provided: ${JSON.stringify(unexpected)}`,
      "actions/workflows#create-a-workflow-dispatch-event",
    );
  const id = repo.nextId() * 1000;
  const displayTitle = `autoopt ${inputs.session} ${inputs.experiment}`;
  repo.runs.set(id, { id, workflow, displayTitle, status: "queued", conclusion: null, inputs });
  const details = Reflect.get(body as object, "return_run_details") === true;
  return details && repo.dispatchAnswer === "details" ? ok(dispatchDetails(id)) : { status: 204 };
}

function issueRoutes(repo: FakeRepo): Route[] {
  return [
    route("post", `${P}/issues/{issue_number}/comments`, ({ params, body }) => {
      const issue = Number(params.issue_number);
      const id = repo.nextId();
      repo.comments.set(id, { issue, body: fields(body, ["body"]).body });
      return { status: 201, body: issueComment(id, issue, fields(body, ["body"]).body) };
    }),
    route("patch", `${P}/issues/comments/{comment_id}`, ({ params, body }) => {
      const comment = repo.comments.get(Number(params.comment_id));
      if (!comment) return notFound("issues/comments#update-an-issue-comment");
      comment.body = fields(body, ["body"]).body;
      return ok(issueComment(Number(params.comment_id), comment.issue, comment.body));
    }),
  ];
}
