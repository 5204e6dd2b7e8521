import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { LlmProposer, ProposalFailedError } from "../../../src/proposer/index.ts";
import { buildTools, type ToolsFixture } from "../../archive/tools-fixture.ts";
import {
  completion,
  context,
  GOOD_EDIT,
  PROPOSER_OPTIONS as OPTIONS,
  scriptModel,
  submit,
} from "./openai-fixtures.ts";

let fixture: ToolsFixture | undefined;
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  fixture?.close();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, "every scripted model reply must be used").toEqual([]);
});

async function withTools() {
  fixture = await buildTools();
  const tools = fixture.tools;
  return context({
    tools: { definitions: () => tools.toolDefinitions(), call: (n, a) => tools.call(n, a) },
  });
}

const call = (name: string, args: object) => ({ name, arguments: JSON.stringify(args) });

describe("LlmProposer reading the archive with its tools", () => {
  it("lists, greps, queries, reads and diffs the archive over several turns, then proposes", async () => {
    const ctx = await withTools();
    const requests = scriptModel([
      completion({
        tool_calls: [
          call("list_files", { path: "", depth: 1 }),
          call("sql", { query: "SELECT id, outcome, value FROM experiments ORDER BY id" }),
        ],
      }),
      completion({
        tool_calls: [call("grep", { pattern: "val_bpb", glob: "*.log", max_matches: 5 })],
      }),
      completion({
        tool_calls: [
          call("read_file", { path: "exp-2/diff.patch", limit: 20 }),
          call("diff", { from: 1, to: 2 }),
        ],
      }),
      completion({ tool_calls: [submit(GOOD_EDIT)] }),
    ]);
    const proposal = await new LlmProposer(OPTIONS).propose(ctx);
    expect(proposal?.description).toBe("ORDER 2 → 3");
    expect(requests[0]?.tools?.map((t) => t.function.name)).toEqual([
      "list_files",
      "read_file",
      "grep",
      "sql",
      "diff",
      "submit_proposal",
    ]);
    const results = (i: number) =>
      requests[i]?.messages.filter((m) => m.role === "tool").map((m) => m.content ?? "") ?? [];
    expect(results(1)[0]).toContain("exp-1/");
    expect(results(1)[1]).toMatch(/id\toutcome\tvalue|id .*outcome/);
    expect(results(2).at(-1)).toMatch(/run\.log:\d+:.*val_bpb/);
    expect(results(3).at(-2)).toContain("diff");
    expect(results(3).at(-1)).toContain("MATRIX_LR");
  });

  it("answers a bad tool call with an error the model can fix, without costing an attempt", async () => {
    const ctx = await withTools();
    const requests = scriptModel([
      completion({
        tool_calls: [
          call("read_file", { path: "../../etc/passwd" }),
          call("sql", { query: "DELETE FROM experiments" }),
          { name: "shell", arguments: "{}" },
        ],
      }),
      completion({ tool_calls: [submit(GOOD_EDIT)] }),
    ]);
    const proposal = await new LlmProposer({ ...OPTIONS, maxAttempts: 1 }).propose(ctx);
    expect(proposal?.description).toBe("ORDER 2 → 3");
    const answers =
      requests[1]?.messages.filter((m) => m.role === "tool").map((m) => m.content ?? "") ?? [];
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(a).toMatch(/^error:/);
    expect(answers.join("\n")).not.toContain("root:");
  });

  it("after max_tool_calls, offers only submit_proposal and requires it", async () => {
    const ctx = await withTools();
    const requests = scriptModel([
      completion({
        tool_calls: [call("sql", { query: "SELECT 1" }), call("sql", { query: "SELECT 2" })],
      }),
      completion({ tool_calls: [submit(GOOD_EDIT)] }),
    ]);
    await new LlmProposer({ ...OPTIONS, maxToolCalls: 2 }).propose(ctx);
    expect(requests[1]?.tools?.map((t) => t.function.name)).toEqual(["submit_proposal"]);
    expect(requests[1]?.tool_choice).toEqual({
      type: "function",
      function: { name: "submit_proposal" },
    });
  });

  it("gives up when a proposal runs past its timeout", async () => {
    // A tool that takes longer than the whole proposal may: the next call to the model never goes out.
    const slow = context({
      tools: {
        definitions: () => [],
        call: () => new Promise((resolve) => setTimeout(() => resolve("done"), 700)),
      },
    });
    scriptModel([completion({ tool_calls: [call("grep", { pattern: "x" })] })]);
    const error = await new LlmProposer({ ...OPTIONS, timeoutS: 0.5 })
      .propose(slow)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProposalFailedError);
    expect(String(error)).toContain("the proposal ran past its timeout of 0.5s");
  });
});
