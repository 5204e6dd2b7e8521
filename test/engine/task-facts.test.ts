import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/index.ts";
import { emptyState, type SessionState, settingsFromConfig } from "../../src/core/index.ts";
import { ArchiveWriter, sessionPaths } from "../../src/engine/index.ts";
import { Proposing } from "../../src/engine/proposing.ts";
import { TaskFactsReader } from "../../src/engine/task-facts.ts";
import { LocalForge } from "../../src/forge/local/index.ts";
import type { Proposal, ProposalContext, Proposer } from "../../src/proposer/index.ts";
import { gitIn, tempRepo } from "../helpers/temp-repo.ts";

function traces(dir: string, records: object[]): void {
  mkdirSync(join(dir, "out", "traces"), { recursive: true });
  writeFileSync(
    join(dir, "out", "traces", "tasks.jsonl"),
    `${records.map((r) => JSON.stringify(r)).join("\n")}\nnot json\n`,
  );
}

describe("TaskFactsReader", () => {
  it("reads ids and answers from the first experiment with traces and from held-out runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autoopt-facts-"));
    mkdirSync(join(dir, "exp-1"));
    traces(join(dir, "exp-2"), [{ task_id: "search-a1", expected: "an answer long enough" }]);
    traces(join(dir, "exp-10"), [{ task_id: "later-b2" }]);
    traces(join(dir, "heldout", "best-abc1234"), [{ task_id: 12345678, expected: 4 }]);
    const facts = await new TaskFactsReader(dir).read();
    expect([...facts.ids].sort()).toEqual(["12345678", "search-a1"]);
    expect(facts.answers).toEqual(["an answer long enough"]);
  });

  it("has no facts before any run wrote traces", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autoopt-facts-"));
    expect(await new TaskFactsReader(dir).read()).toEqual({ ids: [], answers: [] });
  });
});

/** Returns one fixed proposal, and records what the pre-check said about it. */
class Embedding implements Proposer {
  readonly kind = "scripted";
  precheckSaid: string | undefined;
  private readonly proposal: Proposal;
  constructor(proposal: Proposal) {
    this.proposal = proposal;
  }
  async propose(context: ProposalContext): Promise<Proposal | undefined> {
    this.precheckSaid = await context.precheck?.(this.proposal.files);
    return this.proposal;
  }
}

describe("the leakage guard", () => {
  it("rejects a candidate that embeds a task id before it is committed, and tells the proposer why", async () => {
    const repo = tempRepo({ "harness.py": "def build(x):\n    return x\n", "program.md": "go\n" });
    const head = gitIn(repo, "rev-parse", "HEAD").trim();
    const config = Config.parse({
      version: 1,
      mode: "harness",
      editable: ["harness.py"],
      run: { command: "true" },
      metric: { name: "accuracy", goal: "maximize" },
    });
    const paths = sessionPaths(repo, "leak");
    traces(join(paths.dir, "exp-1"), [{ task_id: "7848dde101aa9850", expected: "spam" }]);
    const forge = new LocalForge({ repo, session: "leak", env: process.env });
    await forge.startSession(head);
    const leaking = "KNOWN = {'7848dde101aa9850': 'spam'}\ndef build(x):\n    return x\n";
    const proposer = new Embedding({
      description: "look answers up",
      files: new Map([["harness.py", leaking]]),
    });
    const reader = new TaskFactsReader(paths.dir);
    const proposing = new Proposing({
      forge,
      archive: new ArchiveWriter(paths),
      proposer,
      editable: config.editable,
      program: config.program,
      settings: settingsFromConfig(config),
      taskFacts: () => reader.read(),
    });
    const state: SessionState = { ...emptyState(), ratchetSha: head, baseSha: head };
    const outcome = await proposing.make(() => state, new AbortController().signal);
    expect(outcome.type).toBe("failed");
    expect(outcome.type === "failed" && outcome.reason).toMatch(
      /rejected before it ran: the change embeds the task set in the code \(task id "7848dde101aa9850" at harness\.py:1\)/,
    );
    expect(proposer.precheckSaid).toMatch(/task id "7848dde101aa9850" at harness\.py:1/);
    expect(gitIn(repo, "branch", "--list", "autoopt/leak/exp-*").trim()).toBe("");
  });
});
