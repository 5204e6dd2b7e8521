import { describe, expect, it } from "vitest";
import type { Proposed } from "../../../src/core/index.ts";
import { type ProposalContext, SearchProposer } from "../../../src/proposer/index.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, config, finishRun, harness, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();
const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";

/** The search proposer, noting for each proposal what it saw and how many requests came before it. */
function watched() {
  const asked: { finished: number; requestsBefore: number }[] = [];
  const search = new SearchProposer();
  const proposer = {
    kind: "search",
    propose: (context: ProposalContext) => {
      const finished = context.history.filter((h) => h.outcome !== undefined).length;
      asked.push({ finished, requestsBefore: repo().calls().length });
      return search.propose(context);
    },
  };
  return { asked, proposer };
}

function proposed(): Proposed[] {
  return repo()
    .ledger("issue-7")
    .filter((e): e is Proposed => e.type === "proposed");
}

describe("an App session's proposals made ahead", () => {
  it("are made after the job's dispatch and dispatched at the next run's end without asking again", async () => {
    const head = seed(repo());
    const { asked, proposer } = watched();
    const h = harness(undefined, () => proposer);
    await h.sessions.start(AT, config({ propose_ahead: 1 }), { name: "start" });
    await h.sessions.idle();

    await finishRun(h, repo(), "exp-1", 1.0);
    // exp-2's proposal, then, once exp-2 was dispatched, exp-3's, made while exp-2 runs.
    expect(asked).toHaveLength(2);
    const calls = repo().calls();
    expect(asked[1]?.requestsBefore).toBeGreaterThan(calls.lastIndexOf(DISPATCH));
    expect(asked[1]?.finished).toBe(1);
    expect(proposed().map((p) => p.experiment)).toEqual([1, 2]);

    const dispatchesBefore = repo()
      .calls()
      .filter((c) => c === DISPATCH).length;
    await finishRun(h, repo(), "exp-2", 0.9);
    // exp-3 was the proposal made ahead (on the commit before exp-2's keep); the next is made after.
    const exp3 = proposed().find((p) => p.experiment === 3);
    expect(exp3?.parent).toBe(head);
    expect(
      repo()
        .calls()
        .filter((c) => c === DISPATCH).length,
    ).toBe(dispatchesBefore + 1);
    expect(asked).toHaveLength(3);
    expect(asked[2]?.finished).toBe(2);
    expect(repo().run("issue-7", "exp-3").inputs.candidate_sha).toBe(exp3?.sha);
  });

  it("are not made with propose_ahead: 0, nor beyond max_experiments", async () => {
    seed(repo());
    const { asked, proposer } = watched();
    const h = harness(undefined, () => proposer);
    await h.sessions.start(AT, config({ propose_ahead: 0 }), { name: "start" });
    await h.sessions.idle();
    await finishRun(h, repo(), "exp-1", 1.0);
    expect(asked).toHaveLength(1);

    const limited = watched();
    const other = harness(undefined, () => limited.proposer);
    await other.sessions.start(
      { ...AT, issue: 8 },
      config({ max_experiments: 1, propose_ahead: 1 }),
      {
        name: "start",
      },
    );
    await other.sessions.idle();
    await finishRun(other, repo(), "exp-1", 1.0, "issue-8");
    expect(limited.asked).toHaveLength(1);
  });
});
