import { describe, expect, it } from "vitest";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, config, finishRun, harness, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();

async function started(options: Record<string, unknown> = {}) {
  seed(repo());
  const h = harness();
  await h.sessions.start(AT, config(options), { name: "start" });
  await h.sessions.idle();
  return h;
}

const STATUS_LINK = /Status: https:\/\/github\.com\/octo-org\/lab\/issues\/7#issuecomment-\d+$/;

describe("GitHubSessions commands", () => {
  it("refuses a second start while the issue's session runs, with a link to its status", async () => {
    const h = await started();
    const reply = await h.sessions.start(AT, config(), { name: "start" });
    expect(reply).toMatch(/^Session `issue-7` is still running on this issue/);
    expect(reply).toMatch(STATUS_LINK);
    expect(repo().runs.size).toBe(1);
    expect([...repo().refs.keys()].filter((r) => r.endsWith("/ratchet"))).toEqual([
      "heads/autoopt/issue-7/ratchet",
    ]);
  });

  it("applies the start options and names a later session of the issue issue-<n>-2", async () => {
    const h = await started();
    await h.sessions.stop(AT);
    await h.sessions.idle();
    const reply = await h.sessions.start(AT, config(), {
      name: "start",
      max_experiments: 2,
      parallel: 2,
      budget_s: 90,
    });
    expect(reply).toContain("`issue-7-2`");
    expect(reply).toContain("up to 2 experiments, 2 at a time, 1m 30s each");
    expect(repo().sessionJson("issue-7-2")).toMatchObject({
      issue: 7,
      settings: { max_experiments: 2, parallel: 2, budget_s: 90 },
    });
  });

  it("stops: no new experiment starts, the one in flight is still recorded", async () => {
    const h = await started();
    const reply = await h.sessions.stop({ ...AT, sender: "alice" });
    expect(reply).toMatch(
      /^Stopping session `issue-7`: no new experiment starts; exp-1 is still running/,
    );
    await h.sessions.idle();
    expect(repo().ledger("issue-7").at(-1)).toMatchObject({
      type: "stopped",
      reason: "stopped by /autoopt stop from @alice",
    });
    await finishRun(h, repo(), "exp-1", 1.0);
    expect(repo().runs.size).toBe(1);
    expect(repo().ledger("issue-7").at(-1)).toMatchObject({ type: "meta" });
    expect([...repo().comments.values()][0]?.body).toContain(
      "**⏹️ Stopped** — stopped by /autoopt stop from @&#8203;alice",
    );
    expect(await h.sessions.stop(AT)).toMatch(/^Session `issue-7` is already stopped/);
  });

  it("answers status with a summary and a link, and says when there is no session", async () => {
    seed(repo());
    const h = harness();
    expect(await h.sessions.status(AT)).toMatch(/^There is no autoopt session on this issue yet/);
    await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    await finishRun(h, repo(), "exp-1", 1.0);
    const reply = await h.sessions.status(AT);
    expect(reply).toMatch(
      /^Session `issue-7` is running: 1 of 5 experiments, 0 kept; best val\\_bpb 1 \(baseline 1\)\./,
    );
    expect(reply).toMatch(STATUS_LINK);
  });

  it("promotes on request: nothing before a keep, then reopens the PR a reviewer closed", async () => {
    const h = await started();
    await finishRun(h, repo(), "exp-1", 1.0);
    expect(await h.sessions.promote(AT)).toMatch(/^Nothing to promote in session `issue-7` yet/);
    await finishRun(h, repo(), "exp-2", 0.9);
    const [pr] = [...repo().pulls.values()];
    if (!pr) throw new Error("no promotion PR");
    pr.state = "closed";
    await h.sessions.promotionClosed({ ...AT, headRef: pr.head, merged: false, number: pr.number });
    await h.sessions.idle();
    expect(repo().ledger("issue-7").at(-1)).toMatchObject({ type: "note" });
    const reply = await h.sessions.promote(AT);
    expect(reply).toBe(
      `Refreshing the promotion pull request https://github.com/octo-org/lab/pull/${pr.number} with the latest evidence.`,
    );
    await h.sessions.idle();
    expect(pr.state).toBe("open");
  });

  it("closes the session when its promotion PR is merged, once", async () => {
    const h = await started();
    await finishRun(h, repo(), "exp-1", 1.0);
    await finishRun(h, repo(), "exp-2", 0.9);
    const [pr] = [...repo().pulls.values()];
    if (!pr) throw new Error("no promotion PR");
    const merged = { ...AT, headRef: pr.head, merged: true, number: pr.number };
    await h.sessions.promotionClosed(merged);
    await h.sessions.idle();
    const events = repo().ledger("issue-7");
    expect(events.slice(-2)).toMatchObject([
      { type: "stopped", reason: `promoted: PR #${pr.number} merged` },
      { type: "meta", closed: true },
    ]);
    expect(repo().sessionJson("issue-7")).toMatchObject({ closed: true, promotion_pr: pr.number });
    await h.sessions.promotionClosed(merged);
    await h.sessions.idle();
    expect(repo().ledger("issue-7")).toEqual(events);
  });

  it("records a crash and comments with the fix when the workflow is not on the default branch", async () => {
    seed(repo());
    repo().workflows.clear();
    const h = harness();
    const reply = await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    expect(reply).toMatch(
      /^Session `issue-7` stopped as it started: no experiment can run: the workflow/,
    );
    const finished = repo()
      .ledger("issue-7")
      .find((e) => e.type === "finished");
    const fix =
      "the workflow .github/workflows/autoopt-experiment.yml is not on the default branch main; run `autoopt init --github`, merge the workflow it writes into main, then start a new session";
    expect(finished).toMatchObject({
      run: { status: "crash", reason: fix },
      decision: { outcome: "crash" },
    });
    const comments = [...repo().comments.values()].map((c) => c.body);
    expect(comments[1]).toBe(`⚠️ autoopt could not start exp-1 of session \`issue-7\`: ${fix}.`);
    expect(repo().runs.size).toBe(0);
  });

  it("fails a start on a default branch that does not exist, saying which call failed", async () => {
    seed(repo());
    const h = harness();
    await expect(
      h.sessions.start({ ...AT, defaultBranch: "trunk" }, config(), { name: "start" }),
    ).rejects.toThrow(
      /^could not start session issue-7: GitHub GET \/repos\/octo-org\/lab\/git\/ref\/heads\/trunk failed with 404/,
    );
    expect(repo().ledger("issue-7")).toEqual([]);
  });

  it("posts a new status comment when someone deleted it, and remembers it", async () => {
    const h = await started();
    repo().comments.clear();
    await finishRun(h, repo(), "exp-1", 1.0);
    const [id, comment] = [...repo().comments.entries()][0] ?? [];
    expect(comment?.body).toContain("📏 baseline");
    await finishRun(h, repo(), "exp-2", 1.1);
    expect(
      repo()
        .ledger("issue-7")
        .some((e) => e.type === "meta" && e.status_comment_id === id),
    ).toBe(true);
    expect(repo().comments.size).toBe(1);
  });
});
