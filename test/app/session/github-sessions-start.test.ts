import { describe, expect, it } from "vitest";
import { findStatusMarker } from "../../../src/report/status-comment.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, config, harness, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();

describe("GitHubSessions.start", () => {
  it("creates the ratchet, the ledger and the status comment, and dispatches the baseline", async () => {
    const head = seed(repo());
    const h = harness();
    const reply = await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    expect(reply).toMatch(/^Started autoopt session `issue-7` from `main`/);
    expect(repo().refs.get("heads/autoopt/issue-7/ratchet")).toBe(head);
    const events = repo().ledger("issue-7");
    expect(events.map((e) => e.type)).toEqual(["session", "meta", "meta", "proposed"]);
    const run = repo().run("issue-7", "exp-1");
    expect(run.inputs).toEqual({
      session: "issue-7",
      experiment: "exp-1",
      candidate_sha: head,
      base_sha: head,
    });
    const [comment] = [...repo().comments.values()];
    expect(comment && findStatusMarker(comment.body)).toBe("issue-7");
    expect(repo().calls()).toEqual([
      "GET /repos/{owner}/{repo}/git/matching-refs/{ref}",
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
      "POST /repos/{owner}/{repo}/git/refs",
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      "POST /repos/{owner}/{repo}/git/trees",
      "POST /repos/{owner}/{repo}/git/commits",
      // The repository's node id, read once, for the updateRefs that creates the ledger branch.
      "GET /repos/{owner}/{repo}",
      "POST /graphql",
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
    ]);
    expect(repo().comments.size).toBe(1);
    expect(repo().sessionJson("issue-7")).toMatchObject({
      session: "issue-7",
      issue: 7,
      default_branch: "main",
      base_sha: head,
      config: { metric: { name: "val_bpb" } },
      status_comment_id: [...repo().comments.keys()][0],
      closed: false,
    });
  });
});
