import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  LlmProposer,
  type LlmProposerOptions,
  ProposalFailedError,
  TokenCapError,
} from "../../../src/proposer/index.ts";
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

const propose = (ctx = context(), options: Partial<LlmProposerOptions> = {}) =>
  new LlmProposer({ ...OPTIONS, ...options }).propose(ctx);

describe("LlmProposer at the OpenAI HTTP boundary", () => {
  it("turns a submit_proposal call into a proposal with tokens and transcript", async () => {
    const requests = scriptModel([
      completion({ tool_calls: [submit(GOOD_EDIT)] }, { usage: [1500, 120] }),
    ]);
    const proposal = await propose();
    expect(proposal?.description).toBe("ORDER 2 → 3");
    expect(proposal?.files.get("train.py")).toContain("ORDER = 3\nDISCOUNT = 0.1");
    expect(proposal?.tokens).toEqual({ prompt: 1500, completion: 120, total: 1620 });
    expect(requests[0]?.model).toBe("gpt-4.1-mini");
    expect(requests[0]?.tools?.map((t) => t.function.name)).toEqual(["submit_proposal"]);
    const user = requests[0]?.messages[1]?.content ?? "";
    expect(user).toContain("Lower val_bpb.");
    expect(user).toContain("| 2 | discard | 3.56 | -0.47 | ORDER 2 → 1 |  | not better |");
    expect(user).toContain("ORDER = 2");
    expect(JSON.stringify(proposal?.transcript)).toContain("submit_proposal");
  });

  it.each([
    [
      "prose instead of a tool call",
      completion({ content: "I think ORDER should be 3." }),
      /prose, not a tool call/,
    ],
    [
      "a reply cut off by the token limit",
      completion({ content: "Let me think" }, { finish_reason: "length" }),
      /cut off/,
    ],
    ["a refusal", completion({ refusal: "I can't help with that." }), /refused/],
    [
      "truncated JSON arguments",
      completion({ tool_calls: [submit('{"description": "x", "edi')] }),
      /JSON/,
    ],
    [
      "arguments of the wrong shape",
      completion({ tool_calls: [submit({ description: "ORDER up", edits: "all" })] }),
      /hypothesis|edits/,
    ],
    [
      "an edit under .github/",
      completion({
        tool_calls: [
          submit({ ...GOOD_EDIT, edits: [{ path: ".github/workflows/ci.yml", content: "x" }] }),
        ],
      }),
      /\.github/,
    ],
    [
      "an edit of a locked file",
      completion({
        tool_calls: [submit({ ...GOOD_EDIT, edits: [{ path: "prepare.py", content: "x" }] })],
      }),
      /prepare\.py/,
    ],
    [
      "a search that does not match",
      completion({
        tool_calls: [
          submit({
            ...GOOD_EDIT,
            edits: [{ path: "train.py", search: "DEPTH = 8", replace: "DEPTH = 9" }],
          }),
        ],
      }),
      /DEPTH = 8/,
    ],
    [
      "an edit that changes nothing",
      completion({
        tool_calls: [
          submit({
            ...GOOD_EDIT,
            edits: [{ path: "train.py", search: "ORDER = 2", replace: "ORDER = 2" }],
          }),
        ],
      }),
      /change nothing/,
    ],
  ])(
    "costs one attempt for %s, explains it to the model, and takes the next answer",
    async (_, bad, reason) => {
      const requests = scriptModel([bad, completion({ tool_calls: [submit(GOOD_EDIT)] })]);
      const proposal = await propose();
      expect(proposal?.description).toBe("ORDER 2 → 3");
      const feedback = requests[1]?.messages.at(-1);
      expect(feedback?.role).toMatch(/user|tool/);
      expect(feedback?.content).toMatch(reason);
    },
  );

  it("rejects a candidate already tried", async () => {
    const requests = scriptModel([
      completion({ tool_calls: [submit(GOOD_EDIT)] }),
      completion({
        tool_calls: [
          submit({
            ...GOOD_EDIT,
            description: "DISCOUNT 0.1 → 0.3",
            edits: [{ path: "train.py", search: "DISCOUNT = 0.1", replace: "DISCOUNT = 0.3" }],
          }),
        ],
      }),
    ]);
    const tried = context({
      alreadyTried: (files) => (files.get("train.py") ?? "").includes("ORDER = 3"),
    });
    const proposal = await propose(tried);
    expect(proposal?.description).toBe("DISCOUNT 0.1 → 0.3");
    expect(requests[1]?.messages.at(-1)?.content).toContain("already tried");
  });

  it("rejects a proposal whose pre-check fails, with the pre-check's output", async () => {
    const requests = scriptModel([
      completion({ tool_calls: [submit(GOOD_EDIT)] }),
      completion({
        tool_calls: [
          submit({
            ...GOOD_EDIT,
            description: "ORDER 2 → 4",
            edits: [{ path: "train.py", search: "ORDER = 2", replace: "ORDER = 4" }],
          }),
        ],
      }),
    ]);
    const precheck = async (files: ReadonlyMap<string, string>) =>
      files.get("train.py")?.includes("ORDER = 3")
        ? "SyntaxError: invalid syntax (train.py, line 2)"
        : undefined;
    const proposal = await propose(context({ precheck }));
    expect(proposal?.description).toBe("ORDER 2 → 4");
    expect(requests[1]?.messages.at(-1)?.content).toContain("SyntaxError");
  });

  it("gives up after max_attempts bad answers, reporting the tokens spent", async () => {
    scriptModel([
      completion({ content: "a" }),
      completion({ content: "b" }),
      completion({ content: "c" }),
    ]);
    const error = await propose().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProposalFailedError);
    expect((error as ProposalFailedError).message).toMatch(/no usable proposal after 3 attempts/);
    expect((error as ProposalFailedError).tokens?.total).toBe(3 * 1280);
  });

  it("retries a 429 with its retry-after, then succeeds", async () => {
    const rateLimited = {
      status: 429,
      body: {
        error: {
          message: "Rate limit reached for requests",
          type: "requests",
          param: null,
          code: "rate_limit_exceeded",
        },
      },
      headers: { "retry-after-ms": "10" },
    };
    const requests = scriptModel([rateLimited, completion({ tool_calls: [submit(GOOD_EDIT)] })]);
    expect((await propose())?.description).toBe("ORDER 2 → 3");
    expect(requests).toHaveLength(2);
  });

  it("retries a 500, then succeeds", async () => {
    const failure = {
      status: 500,
      body: {
        error: {
          message: "The server had an error",
          type: "server_error",
          param: null,
          code: null,
        },
      },
      headers: { "retry-after-ms": "10" },
    };
    scriptModel([failure, completion({ tool_calls: [submit(GOOD_EDIT)] })]);
    expect((await propose())?.description).toBe("ORDER 2 → 3");
  });

  it("fails the proposal, not the session, when the API keeps failing", async () => {
    const failure = {
      status: 503,
      body: { error: { message: "overloaded", type: "server_error", param: null, code: null } },
      headers: { "retry-after-ms": "10" },
    };
    scriptModel([failure, failure, failure]);
    const error = await propose().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProposalFailedError);
    expect(String(error)).toMatch(/API failed/);
  });

  it("stops at the per-proposal token cap", async () => {
    scriptModel([
      completion({ content: "hmm" }, { usage: [60_000, 100] }),
      completion({ content: "hmm" }, { usage: [60_000, 100] }),
    ]);
    const error = await propose(context(), { maxTokensPerProposal: 100_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProposalFailedError);
    expect(String(error)).toMatch(/over its cap of 100000/);
  });

  it("raises the session token cap with the tokens this proposal spent", async () => {
    scriptModel([completion({ content: "hmm" }, { usage: [3000, 100] })]);
    const error = await propose(context({ tokensUsed: 48_000 }), {
      maxTokensPerSession: 50_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenCapError);
    expect((error as TokenCapError).tokens.total).toBe(3100);
  });

  it("sends the API key and base URL it was given", async () => {
    const scope = nock("http://localhost:11434", { reqheaders: { authorization: "Bearer local" } })
      .post("/v1/chat/completions")
      .reply(200, completion({ tool_calls: [submit(GOOD_EDIT)] }));
    await propose(context(), {
      baseURL: "http://localhost:11434/v1",
      apiKey: "local",
      model: "qwen2.5-coder:32b",
    });
    expect(scope.isDone()).toBe(true);
  });
});
