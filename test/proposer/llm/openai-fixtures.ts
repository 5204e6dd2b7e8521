import nock from "nock";
import type { LlmProposerOptions, ProposalContext } from "../../../src/proposer/index.ts";

export const API = "https://api.openai.com";

export interface ToolCall {
  name: string;
  arguments: string;
}

let serial = 0;

/** A chat.completion object in the shape the API documents (POST /v1/chat/completions → 200). */
export function completion(
  message: { content?: string | null; tool_calls?: ToolCall[]; refusal?: string | null },
  options: {
    finish_reason?: "stop" | "length" | "tool_calls" | "content_filter";
    usage?: [number, number];
  } = {},
) {
  const calls = message.tool_calls?.map((c) => ({
    id: `call_${++serial}`,
    type: "function",
    function: { name: c.name, arguments: c.arguments },
  }));
  const [prompt, completionTokens] = options.usage ?? [1200, 80];
  return {
    id: `chatcmpl-${++serial}`,
    object: "chat.completion",
    created: 1_764_000_000,
    model: "gpt-4.1-mini-2025-04-14",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: message.content ?? null,
          refusal: message.refusal ?? null,
          annotations: [],
          ...(calls ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: options.finish_reason ?? (calls ? "tool_calls" : "stop"),
      },
    ],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completionTokens,
      total_tokens: prompt + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: "default",
    system_fingerprint: "fp_b2ac2d5be8",
  };
}

export interface ChatRequest {
  model: string;
  messages: Array<{
    role: string;
    content: string | null;
    tool_call_id?: string;
    tool_calls?: unknown[];
  }>;
  tools?: Array<{ function: { name: string } }>;
  tool_choice?: unknown;
  temperature?: number;
}

/**
 * Scripts the model: each reply answers one POST /v1/chat/completions in order. Returns the
 * request bodies as they arrive, for assertions on what the model was sent.
 */
export function scriptModel(
  replies: Array<object | { status: number; body: object; headers?: Record<string, string> }>,
): ChatRequest[] {
  const requests: ChatRequest[] = [];
  for (const reply of replies) {
    const scope = nock(API).post("/v1/chat/completions", (body: ChatRequest) => {
      requests.push(body);
      return true;
    });
    if ("status" in reply && typeof reply.status === "number" && "body" in reply) {
      scope.reply(
        reply.status,
        reply.body as nock.Body,
        (reply as { headers?: Record<string, string> }).headers,
      );
    } else scope.reply(200, reply as nock.Body);
  }
  return requests;
}

export const submit = (args: object | string): ToolCall => ({
  name: "submit_proposal",
  arguments: typeof args === "string" ? args : JSON.stringify(args),
});

export const TRAIN_PY = `import os
ORDER = 2
DISCOUNT = 0.1

def train():
    return ORDER * DISCOUNT
`;

/** A proposal context over one editable train.py and a locked prepare.py. */
export function context(overrides: Partial<ProposalContext> = {}): ProposalContext {
  const files = new Map([["train.py", TRAIN_PY]]);
  return {
    experiment: 3,
    seed: 0,
    metric: { name: "val_bpb", goal: "minimize" },
    program: "Lower val_bpb.",
    files,
    history: [
      {
        experiment: 1,
        kind: "baseline",
        description: "baseline",
        outcome: "baseline",
        value: 3.09,
      },
      {
        experiment: 2,
        kind: "candidate",
        description: "ORDER 2 → 1",
        outcome: "discard",
        value: 3.56,
        delta: -0.47,
        reason: "not better",
      },
    ],
    alreadyTried: () => false,
    isEditable: (path) => path === "train.py",
    rules: {
      editable: ["train.py"],
      locked: ["prepare.py"],
      budget_s: 5,
      threshold: 0.001,
      sigma: 0,
      best: 3.09,
      baseline: 3.09,
    },
    tokensUsed: 0,
    ...overrides,
  };
}

export const GOOD_EDIT = {
  description: "ORDER 2 → 3",
  hypothesis: "Longer contexts cut bits per byte; exp-2 showed shorter ones hurt badly.",
  edits: [{ path: "train.py", search: "ORDER = 2", replace: "ORDER = 3" }],
};

/** Options of the proposer under test: small caps, no HTTP retries unless a test asks. */
export const PROPOSER_OPTIONS: LlmProposerOptions = {
  model: "gpt-4.1-mini",
  apiKey: "sk-test",
  maxTokensPerProposal: 100_000,
  promptTokens: 8000,
  maxToolCalls: 10,
  maxAttempts: 3,
  timeoutS: 30,
  maxRetries: 2,
};
