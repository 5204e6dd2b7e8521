import { describe, expect, it } from "vitest";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import {
  AT,
  artifactFiles,
  completedEvent,
  config,
  finishRun,
  harness,
  result,
  seed,
  startAndKeep,
} from "./session-fixture.ts";

const repo = useFakeGitHub();

function experimentsDispatched(): string[] {
  return [...repo().runs.values()].map((r) => r.inputs.experiment ?? "");
}

describe("GitHubSessions.reconcile", () => {
  it("after a restart, records a run that finished while the App was down and goes on", async () => {
    seed(repo());
    const before = harness();
    await before.sessions.start(AT, config(), { name: "start" });
    await before.sessions.idle();
    const baseline = repo().run("issue-7", "exp-1");
    repo().complete(baseline, "success", artifactFiles(result(baseline, 1.0)));
    const after = harness();
    await after.sessions.reconcile(OWNER, REPO, AT.installationId);
    await after.sessions.idle();
    const events = repo().ledger("issue-7");
    expect(events.slice(4).map((e) => e.type)).toEqual(["dispatched", "finished", "proposed"]);
    expect(events[4]).toMatchObject({ experiment: 1, run_id: baseline.id });
    expect(experimentsDispatched()).toEqual(["exp-1", "exp-2"]);
  });

  it("after a restart with a run in flight, waits for it and continues exactly", async () => {
    seed(repo());
    const before = harness();
    await before.sessions.start(AT, config(), { name: "start" });
    await before.sessions.idle();
    await finishRun(before, repo(), "exp-1", 1.0);
    const after = harness();
    await after.sessions.reconcile(OWNER, REPO, AT.installationId);
    await after.sessions.idle();
    expect(experimentsDispatched()).toEqual(["exp-1", "exp-2"]);
    await finishRun(after, repo(), "exp-2", 0.9);
    const finished = repo()
      .ledger("issue-7")
      .filter((e) => e.type === "finished");
    expect(finished.map((e) => e.decision.outcome)).toEqual(["baseline", "keep"]);
    expect(experimentsDispatched()).toEqual(["exp-1", "exp-2", "exp-3"]);
    expect(repo().pulls.size).toBe(1);
  });

  it("dispatches an experiment the ledger records but GitHub never ran", async () => {
    seed(repo());
    const before = harness();
    await before.sessions.start(AT, config(), { name: "start" });
    await before.sessions.idle();
    await finishRun(before, repo(), "exp-1", 1.0);
    // As if the App stopped between writing the proposal and dispatching it.
    repo().runs.delete(repo().run("issue-7", "exp-2").id);
    const after = harness();
    await after.sessions.reconcile(OWNER, REPO, AT.installationId);
    await after.sessions.idle();
    expect(experimentsDispatched()).toEqual(["exp-1", "exp-2"]);
    await finishRun(after, repo(), "exp-2", 1.2);
    expect(
      repo()
        .ledger("issue-7")
        .filter((e) => e.type === "finished"),
    ).toHaveLength(2);
  });

  it("leaves closed sessions alone", async () => {
    seed(repo());
    const before = harness();
    await startAndKeep(before, repo());
    const number = [...repo().pulls.keys()][0] ?? 0;
    await before.sessions.promotionClosed({
      ...AT,
      headRef: "autoopt/issue-7/ratchet",
      merged: true,
      number,
    });
    await before.sessions.idle();
    const events = repo().ledger("issue-7");
    const after = harness();
    await after.sessions.reconcile(OWNER, REPO, AT.installationId);
    await after.sessions.idle();
    expect(repo().ledger("issue-7")).toEqual(events);
    expect(experimentsDispatched()).toEqual(["exp-1", "exp-2", "exp-3"]);
  });
});

describe("dispatch without run details (HTTP 204)", () => {
  it("finds the run by its run-name", async () => {
    seed(repo());
    repo().dispatchAnswer = "no-content";
    const h = harness();
    await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    expect(repo().calls()).toContain(
      "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
    );
    const baseline = await finishRun(h, repo(), "exp-1", 1.0);
    expect(repo().ledger("issue-7")[4]).toMatchObject({ type: "dispatched", run_id: baseline.id });
    expect(experimentsDispatched()).toEqual(["exp-1", "exp-2"]);
  });

  it("matches the run by its run-name when it completes if the list did not show it yet", async () => {
    seed(repo());
    repo().dispatchAnswer = "no-content";
    repo().listsNewRuns = false;
    const h = harness();
    await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    expect(h.logs).toContain(
      "info: issue-7: exp-1 dispatched; its run is matched by run-name when it completes",
    );
    const run = repo().run("issue-7", "exp-1");
    repo().complete(run, "success", artifactFiles(result(run, 1.0)));
    await h.sessions.runCompleted(completedEvent(run));
    await h.sessions.idle();
    expect(repo().ledger("issue-7")[4]).toMatchObject({ type: "dispatched", run_id: run.id });
    expect(
      repo()
        .ledger("issue-7")
        .filter((e) => e.type === "finished"),
    ).toHaveLength(1);
  });
});
