import { describe, expect, it } from "vitest";
import type { Finished } from "../../../src/core/index.ts";
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
  TRAIN_PY,
} from "./session-fixture.ts";

const repo = useFakeGitHub();

async function started() {
  const head = seed(repo());
  const h = harness();
  await h.sessions.start(AT, config(), { name: "start" });
  await h.sessions.idle();
  return { h, head };
}

function finished(): Finished[] {
  return repo()
    .ledger("issue-7")
    .filter((e): e is Finished => e.type === "finished");
}

describe("GitHubSessions.runCompleted", () => {
  it("records the baseline from the run's artifact and dispatches the first proposal", async () => {
    const { h, head } = await started();
    const baseline = await finishRun(h, repo(), "exp-1", 1.0);
    const events = repo().ledger("issue-7");
    expect(events.slice(4).map((e) => e.type)).toEqual(["dispatched", "finished", "proposed"]);
    expect(events[4]).toMatchObject({ experiment: 1, run_id: baseline.id });
    expect(finished()[0]?.decision).toMatchObject({ outcome: "baseline", value: 1.0 });
    expect(repo().calls()).toContain("GET <artifact storage>");
    const candidate = repo().refs.get("heads/autoopt/issue-7/exp-2") ?? "";
    expect(repo().run("issue-7", "exp-2").inputs).toEqual({
      session: "issue-7",
      experiment: "exp-2",
      candidate_sha: candidate,
      base_sha: head,
    });
    expect(repo().commits.get(candidate)?.parents).toEqual([head]);
    expect(repo().file(candidate, "train.py")).not.toBe(TRAIN_PY);
    expect(repo().file(candidate, "prepare.py")).toBe("# evaluator\n");
  });

  it("keeps a better candidate: fast-forwards the ratchet, edits the status comment, opens the promotion PR", async () => {
    const { h } = await started();
    await finishRun(h, repo(), "exp-1", 1.0);
    const candidate = repo().refs.get("heads/autoopt/issue-7/exp-2");
    await finishRun(h, repo(), "exp-2", 0.9);
    expect(finished()[1]?.decision).toMatchObject({ outcome: "keep", best_after: 0.9 });
    expect(repo().refs.get("heads/autoopt/issue-7/ratchet")).toBe(candidate);
    const [pr, ...more] = [...repo().pulls.values()];
    expect(more).toEqual([]);
    expect(pr).toMatchObject({ head: "autoopt/issue-7/ratchet", base: "main", state: "open" });
    expect(pr?.title).toBe("autoopt issue-7: val_bpb 1 → 0.9");
    expect(pr?.body).toContain("exp-2");
    const [status] = [...repo().comments.values()];
    expect(status?.body).toContain("✅ 1 kept");
    expect(status?.body).toContain(`/pull/${pr?.number}`);
    const next = repo().run("issue-7", "exp-3");
    expect(repo().commits.get(next.inputs.candidate_sha ?? "")?.parents).toEqual([candidate]);
  });

  it("refreshes the promotion PR after a later keep rather than opening another", async () => {
    const { h } = await started();
    await finishRun(h, repo(), "exp-1", 1.0);
    await finishRun(h, repo(), "exp-2", 0.9);
    await finishRun(h, repo(), "exp-3", 0.8);
    expect(repo().pulls.size).toBe(1);
    expect([...repo().pulls.values()][0]?.title).toBe("autoopt issue-7: val_bpb 1 → 0.8");
  });

  it("discards a worse candidate: its branch is deleted, its record kept", async () => {
    const { h, head } = await started();
    await finishRun(h, repo(), "exp-1", 1.0);
    await finishRun(h, repo(), "exp-2", 1.1);
    expect(finished()[1]?.decision).toMatchObject({ outcome: "discard", value: 1.1 });
    expect(repo().refs.has("heads/autoopt/issue-7/exp-2")).toBe(false);
    expect(repo().refs.get("heads/autoopt/issue-7/ratchet")).toBe(head);
    expect(repo().pulls.size).toBe(0);
    expect(repo().run("issue-7", "exp-3").status).toBe("queued");
  });

  it("does nothing for a redelivered event", async () => {
    const { h } = await started();
    const run = await finishRun(h, repo(), "exp-1", 1.0);
    const events = repo().ledger("issue-7");
    const seen = repo().seen.length;
    await h.sessions.runCompleted(completedEvent(run));
    await h.sessions.idle();
    // This process wrote the ledger last: nothing needs reading to see the run is recorded.
    expect(repo().calls(seen)).toEqual([]);
    expect(repo().ledger("issue-7")).toEqual(events);
    expect(h.logs.at(-1)).toMatch(
      /ignoring run \d+ \(issue-7 exp-1\): already recorded \(baseline\)/,
    );
  });

  it("ignores a run the App did not start, even with the right run-name", async () => {
    const { h } = await started();
    const real = repo().run("issue-7", "exp-1");
    const forged = { ...real, id: 1, inputs: { ...real.inputs } };
    repo().runs.set(forged.id, forged);
    repo().complete(forged, "success", artifactFiles(result(forged, 0.1)));
    await h.sessions.runCompleted(completedEvent(forged));
    await h.sessions.idle();
    expect(finished()).toEqual([]);
    expect(h.logs.at(-1)).toContain("an artifact from a run the App did not start");
    repo().complete(real, "success", artifactFiles(result(real, 1.0)));
    await h.sessions.runCompleted(completedEvent(real));
    await h.sessions.idle();
    expect(finished()[0]?.decision.value).toBe(1.0);
  });

  it("ignores runs of other sessions and other workflows", async () => {
    const { h } = await started();
    const event = completedEvent(repo().run("issue-7", "exp-1"));
    const seen = repo().seen.length;
    await h.sessions.runCompleted({ ...event, runName: "CI" });
    await h.sessions.runCompleted({ ...event, runName: "autoopt issue-99 exp-1" });
    await h.sessions.idle();
    // The one read: whether issue-99 has a ledger branch.
    expect(repo().calls(seen)).toEqual(["GET /repos/{owner}/{repo}/git/ref/{ref}"]);
    expect(h.logs.join("\n")).toContain("has no autoopt session issue-99");
    await h.sessions.runCompleted({ ...event, workflowPath: ".github/workflows/ci.yml" });
    await h.sessions.idle();
    expect(finished()).toEqual([]);
    expect(h.logs.at(-1)).toContain("it ran .github/workflows/ci.yml");
  });

  it("records a run that ended without an artifact as a crash, not a discard", async () => {
    const { h } = await started();
    await finishRun(h, repo(), "exp-1", 1.0);
    const run = repo().run("issue-7", "exp-2");
    repo().complete(run, "cancelled");
    await h.sessions.runCompleted(completedEvent(run));
    await h.sessions.idle();
    expect(finished()[1]?.decision).toMatchObject({
      outcome: "crash",
      reason: `the run was cancelled before it uploaded its result; see https://github.com/octo-org/lab/actions/runs/${run.id}`,
    });
    expect(repo().refs.has("heads/autoopt/issue-7/exp-2")).toBe(false);
    expect(repo().run("issue-7", "exp-3").status).toBe("queued");
  });

  it("records a failed baseline run without an artifact as a crash with the run's link, and stops", async () => {
    const { h } = await started();
    const run = repo().run("issue-7", "exp-1");
    repo().complete(run, "failure");
    await h.sessions.runCompleted(completedEvent(run));
    await h.sessions.idle();
    const reason = `the run ended \`failure\` without uploading its result; see https://github.com/octo-org/lab/actions/runs/${run.id}`;
    expect(finished()[0]?.run.reason).toBe(reason);
    expect(repo().ledger("issue-7").at(-2)).toMatchObject({ type: "stopped" });
    expect([...repo().comments.values()][0]?.body).toContain("Stopped");
  });

  it("records a malformed result.json as a crash that says what is wrong", async () => {
    const { h } = await started();
    await finishRun(h, repo(), "exp-1", 1.0);
    const run = repo().run("issue-7", "exp-2");
    const bad = { ...result(run, 0.5), wall_s: "five minutes" };
    repo().complete(run, "success", { "result.json": JSON.stringify(bad) });
    await h.sessions.runCompleted(completedEvent(run));
    await h.sessions.idle();
    expect(finished()[1]?.run.reason).toMatch(
      /^result\.json is not valid: wall_s: Invalid input: expected number, received string; see https:/,
    );
    expect(finished()[1]?.decision.outcome).toBe("crash");
  });

  it("records result.json that is not JSON, or is another experiment's, as a crash", async () => {
    const { h } = await started();
    await finishRun(h, repo(), "exp-1", 1.0);
    const run = repo().run("issue-7", "exp-2");
    repo().complete(run, "success", { "result.json": "{ oops" });
    await h.sessions.runCompleted(completedEvent(run));
    await h.sessions.idle();
    expect(finished()[1]?.run.reason).toMatch(/^result\.json is not valid: it is not JSON \(/);
    const third = repo().run("issue-7", "exp-3");
    repo().complete(third, "success", artifactFiles(result(third, 0.2, { experiment: "exp-2" })));
    await h.sessions.runCompleted(completedEvent(third));
    await h.sessions.idle();
    expect(finished()[2]?.run.reason).toMatch(
      /^result\.json is not valid: it reports session issue-7, exp-2, commit [0-9a-f]{12}, but the run was started for session issue-7, exp-3, /,
    );
  });
});
