// Two runs in flight, their webhooks arriving out of order and twice, and completions of runs
// the App never started: what GitHub's at-least-once, unordered delivery can hand the App.
import { expect, it } from "vitest";
import type { LedgerEvent } from "../../../src/core/index.ts";
import { statusMarker } from "../../../src/report/status-marker.ts";
import { commentCreated, ISSUE } from "../handlers/comment-payloads.ts";
import type { FakeRun } from "../session/session-shapes.ts";
import {
  configYml,
  FullLoop,
  runCompleted,
  runCompletedPayload,
  SESSION,
} from "./full-loop-harness.ts";
import { useFullLoop } from "./use-full-loop.ts";

const CONFIG = configYml(
  "{ parallel: 2, max_experiments: 3 }",
  "ratchet: { baseline_repeats: 2 }\n",
);
const RATCHET = `heads/autoopt/${SESSION}/ratchet`;

const current = useFullLoop(() => FullLoop.create(CONFIG));

interface Snapshot {
  what: string;
  events: LedgerEvent[];
  ratchet: string | undefined;
}

function snapshot(what: string): Snapshot {
  const l = current();
  return { what, events: l.ledger(), ratchet: l.repo.refs.get(RATCHET) };
}

/** Nothing moves backwards: the ledger only grows, and the ratchet only fast-forwards. */
function expectForward(before: Snapshot, after: Snapshot): void {
  const where = `${before.what} → ${after.what}`;
  expect(after.events.length, where).toBeGreaterThanOrEqual(before.events.length);
  expect(after.events.slice(0, before.events.length), where).toEqual(before.events);
  if (before.ratchet === undefined || before.ratchet === after.ratchet) return;
  expect(after.ratchet, where).toBeDefined();
  // `git merge-base --is-ancestor` exits 1 (and execFileSync throws) unless it is a fast-forward.
  expect(() =>
    current().repo.git(["merge-base", "--is-ancestor", before.ratchet ?? "", after.ratchet ?? ""]),
  ).not.toThrow();
}

it("records each run once, whatever the order and number of its webhooks, and ignores foreign runs", async () => {
  const l = current();
  await l.deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
  const first = l.queuedRuns();
  expect(first.map((r) => r.inputs.experiment)).toEqual(["exp-1", "exp-2"]);

  // A run with the session's run-name that the App never dispatched, and another session's run.
  let last = snapshot("start");
  const foreign = Math.max(...l.repo.runs.keys()) + 1000;
  await l.deliver(
    "workflow_run",
    runCompletedPayload(foreign, `autoopt ${SESSION} exp-1`, "success"),
  );
  await l.deliver(
    "workflow_run",
    runCompletedPayload(foreign + 1, "autoopt issue-99 exp-1", "success"),
  );
  const ignored = l.app.sessionLog.join("\n");
  expect(ignored).toMatch(
    new RegExp(`ignoring run ${foreign} \\(${SESSION} exp-1\\):.*did not start`),
  );
  expect(ignored).toMatch(new RegExp(`run ${foreign + 1}:.*no autoopt session issue-99; ignored`));
  const now = snapshot("foreign runs");
  expect(now.events).toEqual(last.events);
  expect(l.repo.runs.size).toBe(2);
  last = now;

  const delivered: string[] = [];
  for (let round = 0; round < 5; round++) {
    const inFlight = l.queuedRuns();
    if (inFlight.length === 0) break;
    for (const run of inFlight) {
      const ran = await l.execute(run);
      expect(ran.result.status, ran.lines.join("\n")).toBe("ok");
    }
    // Reverse of dispatch order, each twice: the first run's second delivery comes last.
    const order: FakeRun[] = [...inFlight].reverse();
    for (const run of [...order, ...order]) {
      await l.deliver("workflow_run", runCompleted(run));
      delivered.push(run.inputs.experiment ?? "");
      const next = snapshot(`${run.inputs.experiment} (${delivered.length})`);
      expectForward(last, next);
      last = next;
    }
  }
  // max_experiments counts proposals: two baselines, then three proposals, two at a time.
  expect(delivered.join(" ")).toBe("exp-2 exp-1 exp-2 exp-1 exp-4 exp-3 exp-4 exp-3 exp-5 exp-5");
  expect(l.app.sessionLog.filter((m) => /already recorded/.test(m))).toHaveLength(5);

  // Each experiment is recorded once.
  const finished = l.finished();
  expect(finished.map((f) => f.experiment).sort()).toEqual([1, 2, 3, 4, 5]);
  const dispatched = l
    .ledger()
    .flatMap((e) => (e.type === "dispatched" ? [(e as { experiment: number }).experiment] : []));
  expect(new Set(dispatched).size, JSON.stringify(dispatched)).toBe(dispatched.length);

  // The session still ends as it should: a keep, the ratchet on it, one status comment, one PR.
  const outcomes = finished.map((f) => f.decision.outcome);
  expect(outcomes.filter((o) => o === "baseline")).toHaveLength(2);
  const kept = finished.filter((f) => f.decision.outcome === "keep");
  expect(kept.length, JSON.stringify(outcomes)).toBeGreaterThan(0);
  expect(l.ledger().some((e) => e.type === "stopped")).toBe(true);
  const winner = l.repo.run(SESSION, `exp-${kept.at(-1)?.experiment}`).inputs.candidate_sha;
  expect(l.repo.refs.get(RATCHET)).toBe(winner);
  const statuses = [...l.repo.comments.values()].filter((c) =>
    c.body.includes(statusMarker(SESSION)),
  );
  expect(statuses).toHaveLength(1);
  expect(statuses[0]?.issue).toBe(ISSUE);
  expect(statuses[0]?.body).toContain("Stopped");
  expect([...l.repo.pulls.values()]).toMatchObject([
    { head: `autoopt/${SESSION}/ratchet`, base: "main", state: "open" },
  ]);
  expect(l.repo.runs.size).toBe(5);
  expect(l.app.sessionLog.filter((m) => m.startsWith("error"))).toEqual([]);
});
