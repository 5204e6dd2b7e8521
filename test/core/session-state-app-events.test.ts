import { describe, expect, it } from "vitest";
import {
  experiment,
  type HeldoutRecorded,
  LedgerEvent,
  nextActions,
  replay,
  resultsTsv,
} from "../../src/core/index.ts";
import { historyOf } from "../../src/engine/history.ts";
import { Driver, ok, settings } from "./fixtures.ts";

/** A session with a baseline and one kept change: something to evaluate held out. */
function keptOnce(): Driver {
  const d = new Driver(settings());
  d.finish(d.propose("baseline"), ok(1.0));
  d.finish(d.propose("candidate"), ok(0.9));
  return d;
}

function heldout(d: Driver, fields: Omit<HeldoutRecorded, "type" | "at">): void {
  d.append({ type: "heldout", at: d.state.lastEventAt, ...fields });
}

describe("ledger events of GitHub sessions", () => {
  it("dispatched: binds an experiment to its run, without changing its phase", () => {
    const d = new Driver(settings());
    const n = d.propose("baseline");
    const tsv = resultsTsv(d.state);
    d.append({
      type: "dispatched",
      at: "2026-01-01T01:00:00.000Z",
      experiment: n,
      run_id: 77,
      run_url: "https://x/77",
      api_requests: 11,
    });
    expect(experiment(d.state, n)).toMatchObject({
      phase: "running",
      dispatch: { runId: 77, runUrl: "https://x/77", apiRequests: 11 },
    });
    expect(resultsTsv(d.state)).toBe(tsv);
    d.finish(n, ok(1));
    expect(experiment(d.state, n)?.dispatch?.runId).toBe(77);
  });

  it("dispatched: for an experiment the ledger does not know changes nothing", () => {
    const d = new Driver(settings());
    const before = structuredClone(d.state);
    d.append({
      type: "dispatched",
      at: before.lastEventAt,
      experiment: 4,
      run_id: 1,
      run_url: "u",
    });
    expect(d.state).toEqual(before);
  });

  it("meta: each field replaces the one recorded before; absent fields stay", () => {
    const d = new Driver(settings());
    expect(d.state.meta).toEqual({});
    d.append({
      type: "meta",
      at: d.state.lastEventAt,
      issue: 7,
      default_branch: "main",
      config: { a: 1 },
    });
    d.append({ type: "meta", at: d.state.lastEventAt, status_comment_id: 5, promotion_pr: 9 });
    d.append({
      type: "meta",
      at: d.state.lastEventAt,
      closed: true,
      api_requests: 40,
      config: { a: 2 },
    });
    expect(d.state.meta).toEqual({
      issue: 7,
      defaultBranch: "main",
      config: { a: 2 },
      statusCommentId: 5,
      promotionPr: 9,
      closed: true,
      apiRequests: 40,
    });
    expect(d.state.stopped).toBeUndefined();
  });

  it("note: kept in order, deciding nothing", () => {
    const d = new Driver(settings());
    const n = d.propose("baseline");
    d.append({ type: "note", at: d.state.lastEventAt, message: "PR #3 closed" });
    expect(d.state.notes).toEqual(["PR #3 closed"]);
    expect(experiment(d.state, n)?.phase).toBe("running");
  });

  it("round-trips through the ledger's schema and replays to the same state", () => {
    const d = new Driver(settings());
    const n = d.propose("baseline");
    d.append({
      type: "dispatched",
      at: d.state.lastEventAt,
      experiment: n,
      run_id: 1,
      run_url: "u",
    });
    d.append({ type: "meta", at: d.state.lastEventAt, issue: 7 });
    d.append({ type: "note", at: d.state.lastEventAt, message: "m" });
    const parsed = d.events.map((e) => LedgerEvent.parse(JSON.parse(JSON.stringify(e))));
    expect(parsed).toEqual(d.events);
    expect(replay(parsed)).toEqual(d.state);
    expect(
      LedgerEvent.safeParse({
        type: "dispatched",
        at: d.state.lastEventAt,
        experiment: 0,
        run_id: 1,
        run_url: "u",
      }).success,
    ).toBe(false);
  });

  it("heldout: the latest record per label, kept apart from the experiments", () => {
    const d = keptOnce();
    const { ratchetSha: best, baseSha: base } = d.state;
    const before = structuredClone(d.state);
    heldout(d, { label: "baseline", sha: base, status: "dispatched" });
    heldout(d, { label: "best", sha: best, status: "dispatched", run_id: 5, run_url: "u5" });
    expect(d.state.heldout).toEqual({
      baseline: { sha: base, status: "dispatched", at: d.state.lastEventAt },
      best: { sha: best, status: "dispatched", at: d.state.lastEventAt, runId: 5, runUrl: "u5" },
    });
    heldout(d, {
      label: "best",
      sha: best,
      status: "ok",
      run_id: 5,
      run_url: "u5",
      metrics: { val_bpb: 0.95 },
    });
    heldout(d, { label: "baseline", sha: base, status: "failed", error: "crash: no artifact" });
    expect(d.state.heldout.best).toMatchObject({ status: "ok", metrics: { val_bpb: 0.95 } });
    expect(d.state.heldout.baseline).toMatchObject({
      status: "failed",
      error: "crash: no artifact",
    });
    // Nothing else moves: experiments, best, ratchet, results.tsv, what runs next.
    expect({ ...d.state, heldout: {}, lastEventAt: "" }).toEqual({
      ...before,
      lastEventAt: "",
    });
    expect(resultsTsv(d.state)).toBe(resultsTsv(before));
    expect(nextActions(d.state, d.settings, new Set(), 0)).toEqual(
      nextActions(before, d.settings, new Set(), 0),
    );
  });

  it("heldout: proposers' history never carries a held-out number", () => {
    const d = keptOnce();
    const history = JSON.stringify(historyOf(d.state));
    heldout(d, {
      label: "best",
      sha: d.state.ratchetSha,
      status: "ok",
      metrics: { val_bpb: 0.777777, secret_heldout_metric: 42.4242 },
    });
    heldout(d, { label: "baseline", sha: d.state.baseSha, status: "failed", error: "oops 31337" });
    const after = JSON.stringify(historyOf(d.state));
    expect(after).toBe(history);
    expect(after).not.toMatch(/0\.777777|42\.4242|secret_heldout_metric|31337|heldout/);
  });

  it("heldout: round-trips through the ledger's schema; labels and statuses are checked", () => {
    const d = keptOnce();
    heldout(d, { label: "best", sha: "abc", status: "ok", metrics: { val_bpb: 1 } });
    const parsed = d.events.map((e) => LedgerEvent.parse(JSON.parse(JSON.stringify(e))));
    expect(replay(parsed)).toEqual(d.state);
    const at = d.state.lastEventAt;
    const bad = [
      { type: "heldout", at, label: "worst", sha: "a", status: "ok" },
      { type: "heldout", at, label: "best", sha: "a", status: "done" },
      { type: "heldout", at, label: "best", sha: "a", status: "ok", metrics: { x: "1" } },
    ];
    for (const event of bad)
      expect(LedgerEvent.safeParse(event).success, JSON.stringify(event)).toBe(false);
  });
});
