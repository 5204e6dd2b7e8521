import { describe, expect, it } from "vitest";
import type { ProposalContext, Proposer } from "../../../src/proposer/index.ts";
import { SearchProposer } from "../../../src/proposer/index.ts";
import { buildPrompt } from "../../../src/proposer/llm/prompt.ts";
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
import { AT, artifactFiles, finishRun, harness, result } from "./session-fixture.ts";

const repo = useFakeGitHub();

/** The search proposer, remembering every context it was given. */
function watching(contexts: ProposalContext[]): Proposer {
  const inner = new SearchProposer();
  return {
    kind: "search",
    propose(context) {
      contexts.push(context);
      return inner.propose(context);
    },
  };
}

describe("held-out runs and /autoopt promote", () => {
  it("dispatches them mid-session, once per commit, and again only for a new best", async () => {
    const { h, head, best } = await keptOnce(repo(), heldoutConfig({ max_experiments: 5 }));
    expect(heldoutRuns(repo(), "best")).toEqual([]);
    expect(promotionBody(repo())).toContain(
      `- the best commit (\`${best.slice(0, 7)}\`): starts when the session stops, or at once with \`/autoopt promote\``,
    );
    const reply = await h.sessions.promote(AT);
    await h.sessions.idle();
    expect(reply).toContain("evaluated on the held-out split too");
    expect(heldoutRuns(repo(), "baseline").map((r) => r.inputs.candidate_sha)).toEqual([head]);
    expect(heldoutRuns(repo(), "best").map((r) => r.inputs.candidate_sha)).toEqual([best]);
    expect(promotionBody(repo())).toContain("): running, [see the run](");

    await h.sessions.promote(AT);
    await h.sessions.idle();
    expect(heldoutRuns(repo(), "best")).toHaveLength(1);

    await finishRun(h, repo(), "exp-3", 0.8);
    const newBest = repo().refs.get("heads/autoopt/issue-7/ratchet") ?? "";
    expect(newBest).not.toBe(best);
    await h.sessions.promote(AT);
    await h.sessions.idle();
    expect(heldoutRuns(repo(), "baseline")).toHaveLength(1);
    expect(heldoutRuns(repo(), "best").map((r) => r.inputs.candidate_sha)).toEqual([best, newBest]);
    // The earlier best's run completing late changes nothing: it is not the run the App awaits.
    const stale = heldoutRuns(repo(), "best")[0];
    if (!stale) throw new Error("no earlier held-out run");
    const events = heldoutEvents(repo());
    repo().complete(stale, "success", artifactFiles(result(stale, 0.5)));
    await h.sessions.runCompleted({
      owner: OWNER,
      repo: REPO,
      installationId: AT.installationId,
      runId: stale.id,
      runName: stale.displayTitle,
      conclusion: "success",
      htmlUrl: "https://github.com/octo-org/lab/actions/runs/1",
      workflowPath: ".github/workflows/autoopt-experiment.yml",
    });
    await h.sessions.idle();
    expect(heldoutEvents(repo())).toEqual(events);
  });

  it("never shows a proposer a held-out number", async () => {
    const contexts: ProposalContext[] = [];
    const h = harness(undefined, () => watching(contexts));
    await keptOnce(repo(), heldoutConfig({ max_experiments: 5 }), h);
    await h.sessions.promote(AT);
    await h.sessions.idle();
    await finishHeldout(h, repo(), "baseline", 1.234567);
    await finishHeldout(h, repo(), "best", 0.765432);
    expect(promotionBody(repo())).toContain("0.765432");
    const seen = contexts.length;
    await finishRun(h, repo(), "exp-3", 1.1);
    const context = contexts[seen];
    if (!context) throw new Error("no proposal was made after the held-out runs reported");
    const prompt = await buildPrompt(context, 100_000);
    const shown = [JSON.stringify(context.history), prompt.system, prompt.user].join("\n");
    expect(prompt.user).toContain("| 2 | keep | 0.9 |");
    expect(shown).not.toMatch(/1\.234567|0\.765432|heldout|held-out/i);
  });

  it("records held-out runs GitHub refuses to start as failed, with the fix, in the promotion", async () => {
    repo().workflowInputs.delete("split");
    await keptOnce(repo());
    expect(heldoutRuns(repo(), "best")).toEqual([]);
    const failed = heldoutEvents(repo()).filter((e) => e.status === "failed");
    expect(failed.map((e) => e.label)).toEqual(["baseline", "best"]);
    expect(failed[0]?.error).toContain('Unexpected inputs provided: ["split"]');
    expect(failed[0]?.error).toContain(
      "inputs session, experiment, candidate_sha, base_sha and split: write it again with `autoopt init --github`",
    );
    const body = promotionBody(repo());
    expect(body).toContain("⚠️ **The held-out evaluation failed**");
    expect(body).toContain("held-out run of the baseline");
    expect(body).toContain("held-out run of the best commit");
  });

  it("after a restart, records a held-out run that completed while the App was down", async () => {
    await keptOnce(repo());
    const run = repo().run("issue-7", "heldout-best");
    repo().complete(run, "success", artifactFiles(result(run, 0.97)));
    const after = harness();
    await after.sessions.reconcile(OWNER, REPO, AT.installationId);
    await after.sessions.idle();
    expect(heldoutEvents(repo()).at(-1)).toMatchObject({
      label: "best",
      status: "ok",
      run_id: run.id,
      metrics: { val_bpb: 0.97 },
    });
    expect(promotionBody(repo())).toContain("- the best commit");
    expect(promotionBody(repo())).toContain("reported");
  });
});
