import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { redactor } from "../../../src/core/index.ts";
import { LlmProposer, ProposalFailedError } from "../../../src/proposer/index.ts";
import {
  completion,
  context,
  GOOD_EDIT,
  PROPOSER_OPTIONS as OPTIONS,
  scriptModel,
  submit,
} from "./openai-fixtures.ts";

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, "every scripted model reply must be used").toEqual([]);
});

const SECRET = "ghp_s3cr3tT0kenValue0123456789";
const redact = redactor([SECRET]);

describe("LlmProposer keeps secrets out of what it sends", () => {
  it("redacts a crash reason in the ledger and a tool's answer quoting run.log", async () => {
    const base = context();
    const ctx = context({
      history: [
        ...base.history,
        {
          experiment: 3,
          kind: "candidate",
          description: "print the environment",
          outcome: "crash",
          reason: `the command exited with code 1: bad token ${SECRET}`,
        },
      ],
      tools: {
        definitions: () => [
          {
            type: "function",
            function: { name: "read_file", description: "read", parameters: {} },
          },
        ],
        call: async () => `exp-3/run.log:1: export GITHUB_TOKEN=${SECRET}`,
      },
    });
    const requests = scriptModel([
      completion({ tool_calls: [{ name: "read_file", arguments: '{"path":"exp-3/run.log"}' }] }),
      completion({ tool_calls: [submit(GOOD_EDIT)] }),
    ]);
    const proposal = await new LlmProposer({ ...OPTIONS, redact }).propose(ctx);
    const sent = JSON.stringify(requests);
    expect(sent).not.toContain(SECRET);
    expect(requests[0]?.messages[1]?.content).toContain("bad token [redacted]");
    expect(requests[1]?.messages.find((m) => m.role === "tool")?.content).toBe(
      "exp-3/run.log:1: export GITHUB_TOKEN=[redacted]",
    );
    expect(JSON.stringify(proposal?.transcript)).not.toContain(SECRET);
  });

  it("redacts an API error that quotes a secret from the failure it records", async () => {
    scriptModel([
      { status: 400, body: { error: { message: `invalid header ${SECRET}`, type: "invalid" } } },
    ]);
    const error = await new LlmProposer({ ...OPTIONS, maxRetries: 0, redact })
      .propose(context())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProposalFailedError);
    expect((error as Error).message).toContain("[redacted]");
    expect((error as Error).message).not.toContain(SECRET);
  });
});
