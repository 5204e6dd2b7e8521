import { describe, expect, it } from "vitest";
import { experiment, LedgerEvent, replay, resultsTsv } from "../../src/core/index.ts";
import { Driver, ok, settings } from "./fixtures.ts";

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
});
