import { describe, expect, it } from "vitest";
import { replay } from "../../../src/core/index.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import {
  finishHeldout,
  heldoutConfig,
  heldoutEvents,
  heldoutRuns,
  keptOnce,
  promotionBody,
} from "./heldout-fixture.ts";
import {
  AT,
  artifactFiles,
  completedEvent,
  config,
  finishRun,
  harness,
  result,
  seed,
} from "./session-fixture.ts";
import { runUrl } from "./session-shapes.ts";

const repo = useFakeGitHub();

const SIDE_BY_SIDE =
  "| metric | search: baseline | search: best | change | held-out: baseline | held-out: best | change |";

describe("held-out runs of a GitHub session", () => {
  it("dispatches one held-out run each for the baseline and the best commit when the session stops", async () => {
    const { head, best } = await keptOnce(repo());
    const events = repo().ledger("issue-7");
    expect(events.some((e) => e.type === "stopped")).toBe(true);
    const [baseline, ...moreBaselines] = heldoutRuns(repo(), "baseline");
    const [bestRun, ...moreBest] = heldoutRuns(repo(), "best");
    expect([moreBaselines, moreBest]).toEqual([[], []]);
    expect(baseline?.inputs).toEqual({
      session: "issue-7",
      experiment: "heldout-baseline",
      candidate_sha: head,
      base_sha: head,
      split: "heldout",
    });
    expect(bestRun?.inputs).toEqual({
      session: "issue-7",
      experiment: "heldout-best",
      candidate_sha: best,
      base_sha: head,
      split: "heldout",
    });
    expect(best).not.toBe(head);
    // Search experiments are dispatched as before, without a split.
    expect(repo().run("issue-7", "exp-2").inputs).not.toHaveProperty("split");
    // Recorded before the dispatch, then with the run GitHub started; never as an experiment.
    expect(heldoutEvents(repo()).map((e) => [e.label, e.status, e.run_id])).toEqual([
      ["baseline", "dispatched", undefined],
      ["best", "dispatched", undefined],
      ["baseline", "dispatched", baseline?.id],
      ["best", "dispatched", bestRun?.id],
    ]);
    const state = replay(events);
    expect(state.experiments).toHaveLength(2);
    expect(state.heldout.best).toMatchObject({ sha: best, runUrl: runUrl(bestRun?.id ?? 0) });
    const body = promotionBody(repo());
    expect(body).toContain("### Held-out evaluation");
    expect(body).toContain("⏳ **Pending.**");
    expect(body).toContain(
      `- the baseline (\`${head.slice(0, 7)}\`): running, [see the run](${runUrl(baseline?.id ?? 0)})`,
    );
    expect(body).toContain(`- the best commit (\`${best.slice(0, 7)}\`): running`);
  });

  it("starts no second held-out run for a repeated event after the stop, or a restart", async () => {
    const { h } = await keptOnce(repo());
    const events = repo().ledger("issue-7");
    await h.sessions.runCompleted(completedEvent(repo().run("issue-7", "exp-2")));
    await h.sessions.stop(AT);
    await h.sessions.idle();
    const after = harness();
    await after.sessions.reconcile(OWNER, REPO, AT.installationId);
    await after.sessions.idle();
    expect(heldoutRuns(repo(), "baseline")).toHaveLength(1);
    expect(heldoutRuns(repo(), "best")).toHaveLength(1);
    expect(repo().ledger("issue-7")).toEqual(events);
  });

  it("after /autoopt stop, starts them once the runs still under way are recorded", async () => {
    const { h, best } = await keptOnce(repo(), heldoutConfig({ max_experiments: 5 }));
    expect(repo().run("issue-7", "exp-3").status).toBe("queued");
    await h.sessions.stop({ ...AT, sender: "octocat" });
    await h.sessions.idle();
    expect(heldoutRuns(repo(), "best")).toEqual([]);
    await finishRun(h, repo(), "exp-3", 1.2);
    expect(heldoutRuns(repo(), "baseline")).toHaveLength(1);
    expect(heldoutRuns(repo(), "best").map((r) => r.inputs.candidate_sha)).toEqual([best]);
  });

  it("puts baseline and best side by side in the promotion once both report", async () => {
    const { h } = await keptOnce(repo());
    await finishHeldout(h, repo(), "best", 0.97);
    expect(promotionBody(repo())).toContain("- the best commit");
    expect(promotionBody(repo())).toContain("reported");
    await finishHeldout(h, repo(), "baseline", 1.05);
    const body = promotionBody(repo());
    expect(body).not.toContain("Pending");
    expect(body).toContain(SIDE_BY_SIDE);
    expect(body).toContain("| val\\_bpb | 1 | 0.9 | -0.1 | 1.05 | 0.97 | -0.08 |");
    expect(body).toContain("| peak\\_vram\\_mb | 2048 | 2048 | 0 | 2048 | 2048 | 0 |");
    expect(heldoutEvents(repo()).slice(-2)).toMatchObject([
      { label: "best", status: "ok", metrics: { val_bpb: 0.97 } },
      { label: "baseline", status: "ok", metrics: { val_bpb: 1.05 } },
    ]);
  });

  it("says in the promotion which held-out run failed and why: no artifact", async () => {
    const { h, best } = await keptOnce(repo());
    const run = await finishHeldout(h, repo(), "best", { conclusion: "cancelled" });
    const body = promotionBody(repo());
    expect(body).toContain("⚠️ **The held-out evaluation failed**");
    expect(body).toContain(
      `held-out run of the best commit (${best.slice(0, 7)}) failed: crash: the run was cancelled before it uploaded its result; see ${runUrl(run.id)}`,
    );
    expect(heldoutEvents(repo()).at(-1)).toMatchObject({
      label: "best",
      status: "failed",
      run_id: run.id,
    });
    // The baseline still reports, and the failure stays in the promotion.
    await finishHeldout(h, repo(), "baseline", 1.05);
    expect(promotionBody(repo())).toContain("held-out run of the best commit");
    expect(promotionBody(repo())).not.toContain("held-out: best");
  });

  it("says in the promotion which held-out run failed and why: a run that did not end ok", async () => {
    const { h, head } = await keptOnce(repo());
    const run = repo().run("issue-7", "heldout-baseline");
    const timedOut = result(run, 0, {
      status: "timeout",
      reason: "the command was killed at 5m 30s",
      metrics: {},
    });
    await finishHeldout(h, repo(), "baseline", {
      conclusion: "success",
      files: artifactFiles(timedOut),
    });
    expect(promotionBody(repo())).toContain(
      `held-out run of the baseline (${head.slice(0, 7)}) failed: timeout: the command was killed at 5m 30s\nrun: ${runUrl(run.id)}`,
    );
  });

  it("says in the promotion which held-out run failed and why: result.json of another commit", async () => {
    const { h, head } = await keptOnce(repo());
    const run = repo().run("issue-7", "heldout-best");
    const wrong = result(run, 0.5, { candidate_sha: head });
    await finishHeldout(h, repo(), "best", { conclusion: "success", files: artifactFiles(wrong) });
    expect(promotionBody(repo())).toMatch(
      /held-out run of the best commit \([0-9a-f]{7}\) failed: crash: result\.json is not valid: it reports session issue-7, heldout-best, commit [0-9a-f]{12}, but the run was started for /,
    );
  });

  it("does nothing for a redelivered completion, or for a run the App did not start", async () => {
    const { h } = await keptOnce(repo());
    const run = await finishHeldout(h, repo(), "best", 0.97);
    const events = repo().ledger("issue-7");
    const body = promotionBody(repo());
    const seen = repo().seen.length;
    await h.sessions.runCompleted(completedEvent(run));
    await h.sessions.idle();
    expect(repo().calls(seen)).toEqual(["GET /repos/{owner}/{repo}/git/ref/{ref}"]);
    expect(repo().ledger("issue-7")).toEqual(events);
    expect(promotionBody(repo())).toBe(body);
    expect(h.logs.at(-1)).toMatch(
      /ignoring run \d+ \(issue-7 heldout-best\): already recorded \(ok\)/,
    );

    const real = repo().run("issue-7", "heldout-baseline");
    const forged = { ...real, id: 1, inputs: { ...real.inputs } };
    repo().runs.set(forged.id, forged);
    repo().complete(forged, "success", artifactFiles(result(forged, 0.1)));
    await h.sessions.runCompleted(completedEvent(forged));
    await h.sessions.idle();
    expect(repo().ledger("issue-7")).toEqual(events);
    expect(h.logs.at(-1)).toContain(`a run the App did not start (it started run ${real.id})`);
  });

  it("dispatches nothing without promotion.heldout, and the promotion says it was not run", async () => {
    await keptOnce(repo(), config({ max_experiments: 1 }));
    expect(
      repo()
        .ledger("issue-7")
        .some((e) => e.type === "stopped"),
    ).toBe(true);
    expect([...repo().runs.values()].map((r) => r.inputs.experiment)).toEqual(["exp-1", "exp-2"]);
    expect(heldoutEvents(repo())).toEqual([]);
    expect(promotionBody(repo())).toContain("Not run for this promotion");
  });

  it("dispatches nothing when no change was kept: there is nothing to promote", async () => {
    seed(repo());
    const h = harness();
    await h.sessions.start(AT, heldoutConfig(), { name: "start" });
    await h.sessions.idle();
    await finishRun(h, repo(), "exp-1", 1.0);
    await finishRun(h, repo(), "exp-2", 1.1);
    expect(
      repo()
        .ledger("issue-7")
        .some((e) => e.type === "stopped"),
    ).toBe(true);
    expect([...repo().runs.values()].map((r) => r.inputs.experiment)).toEqual(["exp-1", "exp-2"]);
    expect(repo().pulls.size).toBe(0);
  });
});
