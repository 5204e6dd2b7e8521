import { describe, expect, it } from "vitest";
import { Config } from "../../../src/config/index.ts";
import type { ProposalContext, Proposer } from "../../../src/proposer/index.ts";
import { archiveDir, artifactWith, traces } from "./archive-fixture.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, completedEvent, harness, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();

const TASKS = traces([
  { task_id: "spam-00417", score: 1, output: "spam" },
  { task_id: "ham-00981", score: 0, output: "spam" },
]).replace(/"output"/g, '"expected":"not spam, an invoice from accounting","output"');

function harnessConfig(): Config {
  return Config.parse({
    version: 1,
    mode: "harness",
    editable: ["train.py"],
    locked: ["prepare.py"],
    run: { command: "python train.py", budget: "5m" },
    metric: { name: "val_bpb", goal: "minimize" },
    session: { max_experiments: 1 },
    proposer: { kind: "llm", model: "gpt-4.1-mini" },
  });
}

/** A model that hard-codes the task set's answers after looking at the traces. */
function cheater(seen: ProposalContext[], prechecked: (string | undefined)[]): Proposer {
  return {
    kind: "llm",
    async propose(context) {
      seen.push(context);
      const files = new Map([
        ["train.py", 'ANSWERS = {"ham-00981": "not spam, an invoice from accounting"}\n'],
      ]);
      prechecked.push(await context.precheck?.(files));
      return { description: "look the answers up", files };
    },
  };
}

describe("the leakage guard in an App session", () => {
  it("rejects a candidate that embeds the task set before it is committed or run", async () => {
    const dirs = archiveDir();
    seed(repo());
    const seen: ProposalContext[] = [];
    const prechecked: (string | undefined)[] = [];
    const h = harness(undefined, () => cheater(seen, prechecked), dirs.root);
    await h.sessions.start(AT, harnessConfig(), { name: "start" });
    await h.sessions.idle();
    const baseline = repo().run("issue-7", "exp-1");
    repo().complete(baseline, "success", artifactWith(baseline, 1.0, { "traces/t.jsonl": TASKS }));
    await h.sessions.runCompleted(completedEvent(baseline));
    await h.sessions.idle();

    expect(seen.length).toBeGreaterThan(0);
    // The model hears of the leak while it works, as in a local session…
    for (const said of prechecked) expect(said).toMatch(/ham-00981/);
    // …and the candidate never becomes a commit or a run.
    const events = repo().ledger("issue-7");
    const failed = events.filter((e) => e.type === "proposal_failed");
    expect(failed).toHaveLength(seen.length);
    for (const f of failed) expect(f.reason).toMatch(/rejected before it ran: .*ham-00981/);
    expect(events.filter((e) => e.type === "proposed")).toHaveLength(1);
    expect([...repo().runs.values()]).toHaveLength(1);
    expect(repo().refs.has("heads/autoopt/issue-7/exp-2")).toBe(false);
  });
});
