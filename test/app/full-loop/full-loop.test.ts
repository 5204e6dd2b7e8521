// The whole loop, in one process: a comment starts a session through the Probot app, each
// dispatched run executes the action's own code on a real checkout of the candidate, and its
// `workflow_run.completed` webhook brings the result back, until the session stops.
import { describe, expect, it } from "vitest";
import type { Finished, LedgerEvent } from "../../../src/core/index.ts";
import { statusMarker } from "../../../src/report/status-marker.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { COMMENT_ID, commentCreated, ISSUE } from "../handlers/comment-payloads.ts";
import { INSTALLATION_ID } from "../handlers/webhook-payloads.ts";
import type { FakeRun } from "../session/session-shapes.ts";
import {
  boot,
  configYml,
  FullLoop,
  runCompleted,
  SESSION,
  score,
  TRAIN_PY,
} from "./full-loop-harness.ts";
import { useFullLoop } from "./use-full-loop.ts";

const current = useFullLoop(() => FullLoop.create(configYml()));

function deliver(name: string, payload: unknown, id?: string): Promise<void> {
  return current().deliver(name, payload, id);
}

function settle(): Promise<void> {
  return current().settle();
}

function ledger(): LedgerEvent[] {
  return current().ledger();
}

function finished(): Finished[] {
  return current().finished();
}

function queuedRuns(): FakeRun[] {
  return current().queuedRuns();
}

/** Runs every queued run on the runner and delivers its completion, until none is left. */
async function runUntilStopped(): Promise<FakeRun[]> {
  const done: FakeRun[] = [];
  for (let round = 0; round < 10; round++) {
    const [run] = queuedRuns();
    if (run === undefined) break;
    const ran = await current().execute(run);
    expect(ran.result.status, ran.lines.join("\n")).toBe("ok");
    await deliver("workflow_run", runCompleted(run));
    done.push(run);
  }
  return done;
}

describe("the whole loop: comment → dispatch → action on a real checkout → webhook → ratchet", () => {
  it("runs a session from /autoopt start to its promotion PR", async () => {
    const { repo } = current();
    const main = repo.refs.get("heads/main") ?? "";
    await deliver("issue_comment", commentCreated({ body: "/autoopt start" }));

    expect(current().people.reactions).toEqual([`${COMMENT_ID}:eyes`]);
    const baseline = repo.run(SESSION, "exp-1");
    expect(baseline.inputs).toMatchObject({ session: SESSION, candidate_sha: main });
    expect(repo.git(["rev-parse", `${main}^{tree}`])).toBe(repo.commits.get(main)?.tree);

    const ran = await runUntilStopped();
    expect(ran.map((r) => r.inputs.experiment)).toEqual(["exp-1", "exp-2", "exp-3"]);
    expect(queuedRuns()).toEqual([]);

    // The ledger: the baseline the real train.py printed, then two proposals, one kept at least.
    const results = finished();
    expect(results.map((f) => f.experiment)).toEqual([1, 2, 3]);
    expect(results[0]?.decision.outcome).toBe("baseline");
    expect(results[0]?.run.metrics.score).toBeCloseTo(score(1, 0.2), 9);
    const kept = results.filter((f) => f.decision.outcome === "keep");
    expect(kept.length, JSON.stringify(results.map((f) => f.decision))).toBeGreaterThan(0);
    expect(ledger().some((e) => e.type === "stopped")).toBe(true);

    // Each score is what python computed on that candidate's real checkout.
    for (const f of results) {
      const sha = repo.run(SESSION, `exp-${f.experiment}`).inputs.candidate_sha ?? "";
      const source = repo.git(["show", `${sha}:train.py`]);
      const x = Number(/^X = (.+)$/m.exec(source)?.[1]);
      const y = Number(/^Y = (.+)$/m.exec(source)?.[1]);
      expect(f.run.metrics.score, source).toBeCloseTo(score(x, y), 9);
    }

    // The ratchet moved to the last kept candidate, a real commit on top of main.
    const last = kept.at(-1)?.experiment;
    const winner = repo.run(SESSION, `exp-${last}`).inputs.candidate_sha ?? "";
    const ratchet = repo.refs.get(`heads/autoopt/${SESSION}/ratchet`);
    expect(ratchet).toBe(winner);
    expect(repo.git(["merge-base", "--is-ancestor", main, winner])).toBe("");
    expect(repo.git(["show", `${winner}:train.py`])).not.toBe(TRAIN_PY.trim());

    // One status comment, edited in place as the session went on.
    const marker = statusMarker(SESSION);
    const statuses = [...repo.comments.values()].filter((c) => c.body.includes(marker));
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.issue).toBe(ISSUE);
    expect(statuses[0]?.body).toMatch(/✅ [1-9]\d* kept/);
    expect(statuses[0]?.body).toContain("Stopped");
    expect(repo.calls()).toContain("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}");

    // The promotion PR, from the ratchet branch to main.
    const pulls = [...repo.pulls.values()];
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({
      head: `autoopt/${SESSION}/ratchet`,
      base: "main",
      state: "open",
    });
    expect(current().app.sessionLog.filter((l) => l.startsWith("error"))).toEqual([]);
  });

  it("does nothing more for a redelivered command or run webhook", async () => {
    const { repo } = current();
    const start = commentCreated({ body: "/autoopt start" });
    await deliver("issue_comment", start, "start-delivery");
    await deliver("issue_comment", start, "start-delivery");
    expect(current().people.reactions).toEqual([`${COMMENT_ID}:eyes`]);
    expect(repo.runs.size).toBe(1);

    const [baseline] = queuedRuns();
    if (baseline === undefined) throw new Error("no baseline was dispatched");
    await current().execute(baseline);
    await deliver("workflow_run", runCompleted(baseline));
    const events = ledger();
    const runs = repo.runs.size;
    // GitHub redelivers with the same payload (and, from the UI, a new delivery id).
    await deliver("workflow_run", runCompleted(baseline));
    expect(ledger()).toEqual(events);
    expect(repo.runs.size).toBe(runs);
    expect(current().app.sessionLog.at(-1)).toMatch(/already recorded \(baseline\)/);
  });

  it("picks the session up after a restart, recording a run that completed while it was down", async () => {
    const { repo } = current();
    await deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
    const [baseline] = queuedRuns();
    if (baseline === undefined) throw new Error("no baseline was dispatched");
    // The run finishes while the App is down: its webhook is never delivered.
    await current().execute(baseline);
    current().app = await boot({ archiveDir: current().archiveDir });
    await current().app.sessions.reconcile(OWNER, REPO, INSTALLATION_ID);
    await settle();
    expect(finished().map((f) => f.decision.outcome)).toEqual(["baseline"]);
    expect(repo.run(SESSION, "exp-2").status).toBe("queued");

    await runUntilStopped();
    expect(finished().map((f) => f.experiment)).toEqual([1, 2, 3]);
    expect(repo.refs.get(`heads/autoopt/${SESSION}/ratchet`)).toBe(
      repo.run(SESSION, "exp-2").inputs.candidate_sha,
    );
    expect([...repo.pulls.values()]).toHaveLength(1);
  });

  it("refuses /autoopt start from someone who cannot push, and starts nothing", async () => {
    const { repo } = current();
    await deliver("issue_comment", commentCreated({ body: "/autoopt start", login: "mallory" }));
    expect(repo.runs.size).toBe(0);
    expect([...repo.refs.keys()]).toEqual(["heads/main"]);
    const replies = [...repo.comments.values()].map((c) => c.body);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("@mallory");
  });
});
