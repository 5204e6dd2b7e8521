import { describe, expect, it } from "vitest";
import { type LedgerEvent, replay } from "../../../src/core/index.ts";
import type { FakeRepo } from "./fake-repo.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import {
  AT,
  artifactFiles,
  completedEvent,
  config,
  type Harness,
  harness,
  result,
  seed,
} from "./session-fixture.ts";

const repo = useFakeGitHub();
const SESSION = "issue-7";

/** Runs dispatched per experiment id, as GitHub lists them. */
function dispatches(r: FakeRepo): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of r.runs.values()) {
    if (run.inputs.session !== SESSION) continue;
    const id = run.inputs.experiment ?? "";
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Every experiment proposed once, numbered 1…n, judged at most once, run exactly once. */
function checkLedger(r: FakeRepo, events: LedgerEvent[]): void {
  const proposed = events.flatMap((e) => (e.type === "proposed" ? [e.experiment] : []));
  const finished = events.flatMap((e) => (e.type === "finished" ? [e.experiment] : []));
  expect(proposed).toEqual(proposed.map((_, i) => i + 1));
  expect(new Set(finished).size).toBe(finished.length);
  for (const [id, count] of dispatches(r)) expect(count, `${id} dispatched`).toBe(1);
  expect(dispatches(r).size).toBe(proposed.length);
  const state = replay(events);
  expect(r.refs.get(`heads/autoopt/${SESSION}/ratchet`)).toBe(state.ratchetSha);
  for (const x of state.experiments) {
    if (!x || x.kind === "baseline") continue;
    const branch = r.refs.get(`heads/autoopt/${SESSION}/exp-${x.id}`);
    if (x.outcome === "keep" || x.phase !== "final") expect(branch).toBe(x.sha);
    else expect(branch).toBeUndefined();
  }
}

/** Commits on the ledger branch: the writes that landed. */
function ledgerCommits(r: FakeRepo): number {
  let n = 0;
  for (let c = r.refs.get(`heads/autoopt/${SESSION}/ledger`); c; c = r.commits.get(c)?.parents[0])
    n++;
  return n;
}

/** Completes the run of the latest experiment and hands the same webhook to every replica at once. */
async function completeOnAll(replicas: Harness[], exp: string, value: number): Promise<void> {
  const run = repo().run(SESSION, exp);
  repo().complete(run, "success", artifactFiles(result(run, value)));
  await Promise.all(replicas.map((h) => h.sessions.runCompleted(completedEvent(run))));
  await Promise.all(replicas.map((h) => h.sessions.idle()));
}

/** A baseline, a keep, a discard, a keep, a discard. */
const VALUES = [1.0, 0.9, 1.2, 0.8, 1.3];

/** Two App processes on one repository; the first started the session. */
async function twoReplicas(): Promise<[Harness, Harness]> {
  seed(repo());
  const a = harness();
  const b = harness();
  await a.sessions.start(AT, config({ max_experiments: 4 }), { name: "start" });
  await a.sessions.idle();
  return [a, b];
}

describe("two App replicas on one session", () => {
  it("judge each run once, propose and dispatch each experiment once, and agree on the branches", async () => {
    const [a, b] = await twoReplicas();
    // Every kind of verdict raced by both.
    const values = VALUES;
    for (const [i, value] of values.entries()) {
      await completeOnAll([a, b], `exp-${i + 1}`, value);
      checkLedger(repo(), repo().ledger(SESSION));
    }
    const events = repo().ledger(SESSION);
    const verdicts = events.flatMap((e) => (e.type === "finished" ? [e.decision.outcome] : []));
    expect(verdicts).toEqual(["baseline", "keep", "discard", "keep", "discard"]);
    expect(events.filter((e) => e.type === "stopped")).toHaveLength(1);
    expect(repo().unexpected).toEqual([]);
    // The replicas did race: ledger writes (each one updateRefs with the step's ref moves) were
    // refused on a head that had moved, then planned again; only those made moved refs.
    const tries = repo().seen.filter((s) => s.method === "POST" && s.template === "/graphql");
    expect(tries.length).toBeGreaterThan(ledgerCommits(repo()));
    expect(repo().refUpdates).toHaveLength(ledgerCommits(repo()));
    // The loser of each race said nothing on the issue: no failure was posted.
    const bodies = [...repo().comments.values()].map((c) => c.body);
    expect(bodies.filter((body) => body.includes("⚠️"))).toEqual([]);
  });

  it("take turns with states a step behind, and still record and dispatch each experiment once", async () => {
    const [a, b] = await twoReplicas();
    // Each run's end goes to one replica only, in turn: each last wrote the ledger two steps
    // ago, so the experiment it is told of was proposed by the other one.
    const values = VALUES;
    for (const [i, value] of values.entries()) {
      const run = repo().run(SESSION, `exp-${i + 1}`);
      repo().complete(run, "success", artifactFiles(result(run, value)));
      const h = i % 2 === 0 ? b : a;
      await h.sessions.runCompleted(completedEvent(run));
      await h.sessions.idle();
      checkLedger(repo(), repo().ledger(SESSION));
    }
    const events = repo().ledger(SESSION);
    const verdicts = events.flatMap((e) => (e.type === "finished" ? [e.decision.outcome] : []));
    expect(verdicts).toEqual(["baseline", "keep", "discard", "keep", "discard"]);
    expect(repo().unexpected).toEqual([]);
    const bodies = [...repo().comments.values()].map((c) => c.body);
    expect(bodies.filter((body) => body.includes("⚠️"))).toEqual([]);
  });
});
