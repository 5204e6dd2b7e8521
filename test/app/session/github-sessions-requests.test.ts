import { describe, expect, it } from "vitest";
import type { Dispatched } from "../../../src/core/index.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, config, finishRun, harness, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();

/** API requests seen in [from, to) (the redirect to artifact storage is part of a download call). */
function apiCalls(from: number, to = repo().seen.length): string[] {
  return repo()
    .calls(from)
    .slice(0, to - from)
    .filter((c) => c !== "GET <artifact storage>");
}

describe("API requests per experiment", () => {
  it("are counted per session and recorded with each dispatch", async () => {
    seed(repo());
    const h = harness();
    await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    const afterStart = repo().seen.length;
    await finishRun(h, repo(), "exp-1", 1.0);
    const afterBaseline = repo().seen.length;
    await finishRun(h, repo(), "exp-2", 1.1);
    const afterDiscard = repo().seen.length;
    await finishRun(h, repo(), "exp-3", 0.9);
    // Start: 9 (the first ledger write creates its branch without a read, after the one read of
    // the repository's node id), plus the lookup of the sessions. Then each finished run,
    // through the next proposal's dispatch and the status comment: its ledger write, the next
    // experiment's branch and the verdict's ref moves are one updateRefs; more after a keep (the
    // PR). The ledger is not read again (this process wrote it last), nor the commit it just made,
    // nor the ratchet before a keep (the write checks it).
    expect(apiCalls(0, afterStart)).toHaveLength(10);
    expect(apiCalls(afterStart, afterBaseline)).toHaveLength(13);
    expect(apiCalls(afterBaseline, afterDiscard)).toHaveLength(9);
    expect(apiCalls(afterDiscard)).toHaveLength(10);
    const updates = (from: number, to: number) =>
      apiCalls(from, to).filter((c) => c === "POST /graphql");
    expect(updates(afterBaseline, afterDiscard)).toHaveLength(1);
    expect(updates(afterDiscard, repo().seen.length)).toHaveLength(1);
    expect(apiCalls(0).filter((c) => c.includes("/git/refs/"))).toEqual([]);
    const counted = await h.sessions.apiRequests(OWNER, REPO, "issue-7");
    expect(counted).toBe(apiCalls(0).length - 1);
    const dispatched = repo()
      .ledger("issue-7")
      .filter((e): e is Dispatched => e.type === "dispatched")
      .map((e) => e.api_requests);
    expect(dispatched).toEqual([8, 21, 30]);
    expect(repo().sessionJson("issue-7")).toMatchObject({
      api_requests: 30,
      api_requests_per_experiment: 10,
    });
  });
});
