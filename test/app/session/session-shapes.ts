import { API, OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { example, object } from "../../forge/github/openapi.ts";

/**
 * Response bodies of the issue, pull request and Actions endpoints in GitHub's shapes: each
 * starts from the matching example in GitHub's OpenAPI description and changes only ids, URLs
 * and the fields a test is about.
 */
const REPO_API = `${API}/repos/${OWNER}/${REPO}`;
const WEB = `https://github.com/${OWNER}/${REPO}`;

export interface FakeRun {
  id: number;
  workflow: string;
  displayTitle: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  inputs: Record<string, string>;
}

export function runUrl(id: number): string {
  return `${WEB}/actions/runs/${id}`;
}

/** `workflow-run`, as GET /actions/runs/{id} and the runs list give it. */
export function workflowRun(run: FakeRun) {
  return {
    ...example("workflow-run"),
    id: run.id,
    name: "autoopt experiment",
    display_title: run.displayTitle,
    event: "workflow_dispatch",
    status: run.status,
    conclusion: run.conclusion,
    path: `.github/workflows/${run.workflow}@main`,
    url: `${REPO_API}/actions/runs/${run.id}`,
    html_url: runUrl(run.id),
    artifacts_url: `${REPO_API}/actions/runs/${run.id}/artifacts`,
  };
}

/** `workflow-dispatch-response`: what `return_run_details: true` gets. */
export function dispatchDetails(id: number) {
  return {
    ...example("workflow-dispatch-response"),
    workflow_run_id: id,
    run_url: `${REPO_API}/actions/runs/${id}`,
    html_url: runUrl(id),
  };
}

/** `artifact`. */
export function artifact(id: number, name: string, runId: number, expired = false) {
  const base = example("artifact");
  return {
    ...base,
    id,
    name,
    expired,
    url: `${REPO_API}/actions/artifacts/${id}`,
    archive_download_url: `${REPO_API}/actions/artifacts/${id}/zip`,
    workflow_run: { ...object(base.workflow_run, "artifact.workflow_run"), id: runId },
  };
}

/** `issue-comment`. */
export function issueComment(id: number, issue: number, body: string) {
  return {
    ...example("issue-comment"),
    id,
    body,
    url: `${REPO_API}/issues/comments/${id}`,
    html_url: `${WEB}/issues/${issue}#issuecomment-${id}`,
    issue_url: `${REPO_API}/issues/${issue}`,
  };
}

export interface FakePull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed";
}

/** `pull-request` (create and update answer with it). */
export function pullRequest(pr: FakePull) {
  return { ...pullShape("pull-request", pr), merged: false };
}

/** `pull-request-simple`, as GET /pulls lists them. */
export function pullRequestSimple(pr: FakePull) {
  return pullShape("pull-request-simple", pr);
}

/** GitHub's example of `schema` carrying the fake pull request's fields. */
function pullShape(schema: "pull-request" | "pull-request-simple", pr: FakePull) {
  const base = example(schema);
  return {
    ...base,
    ...urls(pr.number),
    id: pr.number * 1000,
    number: pr.number,
    state: pr.state,
    title: pr.title,
    body: pr.body,
    // GitHub's own example lists a team whose `type` its schema does not allow.
    requested_teams: [],
    head: { ...object(base.head, `${schema}.head`), ref: pr.head },
    base: { ...object(base.base, `${schema}.base`), ref: pr.base },
  };
}

function urls(n: number) {
  return {
    url: `${REPO_API}/pulls/${n}`,
    html_url: `${WEB}/pull/${n}`,
    issue_url: `${REPO_API}/issues/${n}`,
  };
}
