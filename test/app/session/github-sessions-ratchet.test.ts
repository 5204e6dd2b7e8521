import { describe, expect, it } from "vitest";
import type { Finished, Proposed } from "../../../src/core/index.ts";
import type { Proposal, ProposalContext, Proposer } from "../../../src/proposer/index.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, completedEvent, config, finishRun, harness, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();

/** Proposes the given edits in turn, each on the files at the ratchet head it is shown. */
function scripted(edits: [string, string][]): Proposer {
  let i = 0;
  return {
    kind: "scripted",
    async propose(context: ProposalContext): Promise<Proposal | undefined> {
      const [path, line] = edits[i++] ?? [];
      if (path === undefined || line === undefined) return undefined;
      const text = `${context.files.get(path) ?? ""}${line}\n`;
      return { description: `${path}: ${line}`, files: new Map([[path, text]]) };
    },
  };
}

function events() {
  return repo().ledger("issue-7");
}

function finished(): Finished[] {
  return events().filter((e): e is Finished => e.type === "finished");
}

/** A session whose baseline is recorded, and the commit of exp-2 that runs now. */
async function baselineDone() {
  seed(repo());
  const h = harness();
  await h.sessions.start(AT, config(), { name: "start" });
  await h.sessions.idle();
  await finishRun(h, repo(), "exp-1", 1.0);
  return { h, candidate: repo().refs.get("heads/autoopt/issue-7/exp-2") ?? "" };
}

describe("the ratchet on GitHub", () => {
  it("re-bases a winner proposed against a head that has moved, and runs it again", async () => {
    const head = seed(repo());
    repo().refs.set("heads/main", repo().commitFiles({ "model.py": "DEPTH = 4\n" }, head));
    const proposer = scripted([
      ["train.py", "LR = 0.05"],
      ["model.py", "DEPTH = 6"],
      ["train.py", "WD = 0.1"],
    ]);
    const h = harness(undefined, () => proposer);
    const cfg = { ...config({ parallel: 2 }), editable: ["train.py", "model.py"] };
    await h.sessions.start(AT, cfg, { name: "start" });
    await h.sessions.idle();
    await finishRun(h, repo(), "exp-1", 1.0);
    const winner = repo().refs.get("heads/autoopt/issue-7/exp-2") ?? "";
    await finishRun(h, repo(), "exp-2", 0.9);
    expect(repo().refs.get("heads/autoopt/issue-7/ratchet")).toBe(winner);
    await finishRun(h, repo(), "exp-3", 0.8);
    expect(finished()[2]?.decision.outcome).toBe("rebase");
    const rebased = events().find(
      (e): e is Proposed => e.type === "proposed" && e.kind === "rebase",
    );
    expect(rebased).toMatchObject({
      of: 3,
      parent: winner,
      description: "model.py: DEPTH = 6 (re-based from exp-3)",
    });
    const sha = rebased?.sha ?? "";
    expect(repo().file(sha, "train.py")).toBe(repo().file(winner, "train.py"));
    expect(repo().file(sha, "model.py")).toBe("DEPTH = 4\nDEPTH = 6\n");
    expect(repo().refs.has("heads/autoopt/issue-7/exp-3")).toBe(false);
    expect(repo().run("issue-7", `exp-${rebased?.experiment}`).inputs.candidate_sha).toBe(sha);
  });

  it("keeps nothing, loses nothing and says so when the ratchet was moved outside autoopt", async () => {
    const head = seed(repo());
    const h = harness();
    await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    await finishRun(h, repo(), "exp-1", 1.0);
    const elsewhere = repo().commitFiles({ "notes.md": "by hand\n" }, head);
    repo().refs.set("heads/autoopt/issue-7/ratchet", elsewhere);
    const ledger = repo().refs.get("heads/autoopt/issue-7/ledger");
    const run = await finishRun(h, repo(), "exp-2", 0.9);
    expect(finished()).toHaveLength(1);
    // Nothing of the step was written: not the ledger, not the ratchet, not the next branch.
    expect(repo().refs.get("heads/autoopt/issue-7/ledger")).toBe(ledger);
    expect(repo().refs.get("heads/autoopt/issue-7/ratchet")).toBe(elsewhere);
    expect(repo().refs.has("heads/autoopt/issue-7/exp-3")).toBe(false);
    const comments = [...repo().comments.values()].map((c) => c.body);
    expect(comments.at(-1)).toContain("was moved outside autoopt");
    repo().refs.set("heads/autoopt/issue-7/ratchet", head);
    await h.sessions.runCompleted(completedEvent(run));
    await h.sessions.idle();
    expect(finished()[1]?.decision.outcome).toBe("keep");
  });

  it("writes a keep's ledger, its ratchet move and the next experiment's branch in one request", async () => {
    const { h, candidate } = await baselineDone();
    const before = repo().seen.length;
    await finishRun(h, repo(), "exp-2", 0.9);
    expect(finished()[1]?.decision.outcome).toBe("keep");
    const refCalls = repo()
      .calls(before)
      .filter((c) => c === "POST /graphql" || c.includes("/git/ref"));
    expect(refCalls).toEqual(["POST /graphql"]);
    expect(repo().refUpdates.at(-1)).toEqual([
      "refs/heads/autoopt/issue-7/ledger",
      "refs/heads/autoopt/issue-7/ratchet",
      "refs/heads/autoopt/issue-7/exp-3",
    ]);
    expect(repo().refs.get("heads/autoopt/issue-7/ratchet")).toBe(candidate);
    expect(repo().run("issue-7", "exp-3").inputs.candidate_sha).toBe(
      repo().refs.get("heads/autoopt/issue-7/exp-3"),
    );
  });

  it("records a keep whose ratchet move happened before the App stopped", async () => {
    const { h, candidate } = await baselineDone();
    repo().refs.set("heads/autoopt/issue-7/ratchet", candidate);
    await finishRun(h, repo(), "exp-2", 0.9);
    expect(finished()[1]?.decision.outcome).toBe("keep");
    expect(repo().refs.get("heads/autoopt/issue-7/ratchet")).toBe(candidate);
  });
});
