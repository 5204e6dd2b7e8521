import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { noRedaction, type Redactor, type Tokens } from "../../core/index.ts";
import {
  type Proposal,
  type ProposalContext,
  ProposalFailedError,
  type Proposer,
  TokenCapError,
} from "../proposer.ts";
import { checkSubmission } from "./check-submission.ts";
import { buildPrompt } from "./prompt.ts";
import { SUBMIT_TOOL } from "./submit-tool.ts";

export interface LlmProposerOptions {
  model: string;
  apiKey: string;
  baseURL?: string;
  temperature?: number;
  maxOutputTokens?: number;
  maxTokensPerProposal: number;
  maxTokensPerSession?: number;
  promptTokens: number;
  maxToolCalls: number;
  maxAttempts: number;
  timeoutS: number;
  /** Retries of one HTTP call on 429, 5xx and connection errors (with the client's backoff). */
  maxRetries?: number;
  /**
   * Applied to every text sent to the model (the prompt, each tool's answer): a run's log or
   * crash reason may quote a secret of autoopt's environment.
   */
  redact?: Redactor;
}

/**
 * Asks an OpenAI-compatible model for a proposal over Chat Completions with tool calls: it reads
 * the archive with the tools, then calls submit_proposal. Bad output (prose, broken JSON, a
 * refusal, an edit out of scope) costs one attempt and is explained back to the model.
 */
export class LlmProposer implements Proposer {
  readonly kind = "llm";
  private readonly o: LlmProposerOptions;
  private readonly client: OpenAI;

  constructor(options: LlmProposerOptions) {
    this.o = options;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      maxRetries: options.maxRetries ?? 4,
      timeout: options.timeoutS * 1000,
    });
  }

  async propose(context: ProposalContext): Promise<Proposal | undefined> {
    const prompt = await buildPrompt(context, this.o.promptTokens);
    const redact = this.o.redact ?? noRedaction;
    const conversation = new Conversation(
      this.o,
      context,
      redact(prompt.system),
      redact(prompt.user),
    );
    return conversation.run(this.client);
  }
}

/** One proposal's exchange with the model: messages, usage and the attempt count. */
class Conversation {
  readonly messages: ChatCompletionMessageParam[];
  private readonly o: LlmProposerOptions;
  private readonly context: ProposalContext;
  private readonly tokens: Tokens = { prompt: 0, completion: 0, total: 0 };
  private failures: string[] = [];
  private toolCalls = 0;
  private deadline?: AbortSignal;

  constructor(o: LlmProposerOptions, context: ProposalContext, system: string, user: string) {
    this.o = o;
    this.context = context;
    this.messages = [
      { role: "system", content: system },
      { role: "user", content: user },
    ];
  }

  async run(client: OpenAI): Promise<Proposal> {
    this.deadline = AbortSignal.timeout(this.o.timeoutS * 1000);
    const signal = AbortSignal.any([
      this.deadline,
      ...(this.context.signal ? [this.context.signal] : []),
    ]);
    while (this.failures.length < this.o.maxAttempts) {
      const reply = await this.complete(client, signal);
      const proposal = await this.handle(reply);
      if (proposal)
        return { ...proposal, tokens: { ...this.tokens }, transcript: this.transcript() };
    }
    throw this.failed(
      `no usable proposal after ${this.o.maxAttempts} attempts: ${this.failures.at(-1)}`,
    );
  }

  private async complete(client: OpenAI, signal: AbortSignal): Promise<ChatCompletion> {
    const forceSubmit = this.toolCalls >= this.o.maxToolCalls;
    const tools: ChatCompletionTool[] = forceSubmit
      ? [SUBMIT_TOOL]
      : [...(this.context.tools?.definitions() ?? []), SUBMIT_TOOL];
    let reply: ChatCompletion;
    try {
      reply = await client.chat.completions.create(
        {
          model: this.o.model,
          messages: this.messages,
          tools,
          tool_choice: forceSubmit
            ? { type: "function", function: { name: "submit_proposal" } }
            : "auto",
          ...(this.o.temperature === undefined ? {} : { temperature: this.o.temperature }),
          ...(this.o.maxOutputTokens === undefined ? {} : { max_tokens: this.o.maxOutputTokens }),
        },
        { signal },
      );
    } catch (error) {
      if (this.deadline?.aborted) {
        throw this.failed(`the proposal ran past its timeout of ${this.o.timeoutS}s`, error);
      }
      if (this.context.signal?.aborted) throw this.failed("the proposal was interrupted", error);
      const why = error instanceof Error ? error.message : String(error);
      throw this.failed(`the model's API failed: ${why}`, error);
    }
    this.count(reply);
    return reply;
  }

  /** Adds a reply's usage and enforces the caps on the API's own figures. */
  private count(reply: ChatCompletion): void {
    const u = reply.usage;
    this.tokens.prompt += u?.prompt_tokens ?? 0;
    this.tokens.completion += u?.completion_tokens ?? 0;
    this.tokens.total += u?.total_tokens ?? (u?.prompt_tokens ?? 0) + (u?.completion_tokens ?? 0);
    const session = this.context.tokensUsed + this.tokens.total;
    if (this.o.maxTokensPerSession !== undefined && session >= this.o.maxTokensPerSession) {
      throw new TokenCapError(
        `the session's token cap is spent (${session} of ${this.o.maxTokensPerSession} tokens)`,
        { ...this.tokens },
      );
    }
    if (this.tokens.total >= this.o.maxTokensPerProposal) {
      throw this.failed(
        `the proposal used ${this.tokens.total} tokens, over its cap of ${this.o.maxTokensPerProposal}`,
      );
    }
  }

  /** Acts on one reply: runs tool calls, checks a submission, or explains what was wrong. */
  private async handle(
    reply: ChatCompletion,
  ): Promise<Omit<Proposal, "tokens" | "transcript"> | undefined> {
    const choice = reply.choices[0];
    const message = choice?.message;
    if (!message)
      return this.reject("the reply had no message", "Reply by calling submit_proposal.");
    this.messages.push({
      role: "assistant",
      content: message.content ?? null,
      ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}),
    });
    if (message.refusal)
      return this.reject(
        `the model refused: ${message.refusal}`,
        "This is a benign optimisation task on the user's own code. Propose a change by calling submit_proposal.",
      );
    const calls = (message.tool_calls ?? []).flatMap((c) => (c.type === "function" ? [c] : []));
    if (calls.length === 0) {
      const cut =
        choice?.finish_reason === "length"
          ? "the reply was cut off by the token limit"
          : "the reply was prose, not a tool call";
      return this.reject(
        cut,
        "Do not answer in prose: call submit_proposal with description, hypothesis and edits (keep edits small).",
      );
    }
    let proposal: Omit<Proposal, "tokens" | "transcript"> | undefined;
    for (const call of calls) {
      const answer = await this.answer(
        call.function.name,
        call.function.arguments,
        proposal !== undefined,
      );
      if (typeof answer !== "string") proposal = answer;
      this.messages.push({
        role: "tool",
        tool_call_id: call.id,
        content: typeof answer === "string" ? answer : "accepted",
      });
    }
    return proposal;
  }

  private async answer(
    name: string,
    args: string,
    alreadyAccepted: boolean,
  ): Promise<string | Omit<Proposal, "tokens" | "transcript">> {
    if (name !== "submit_proposal") {
      this.toolCalls++;
      if (!this.context.tools) return `error: there is no tool named ${name}; call submit_proposal`;
      return (this.o.redact ?? noRedaction)(await this.context.tools.call(name, args));
    }
    if (alreadyAccepted) return "ignored: a proposal was already accepted in this reply";
    const checked = await checkSubmission(args, this.context);
    if (checked.ok) return checked.proposal;
    this.failures.push(checked.problem);
    return `rejected: ${checked.problem}\nFix this and call submit_proposal again.`;
  }

  private reject(problem: string, instruction: string): undefined {
    this.failures.push(problem);
    this.messages.push({ role: "user", content: `${problem}. ${instruction}` });
    return undefined;
  }

  private failed(message: string, cause?: unknown): ProposalFailedError {
    // The reason is recorded and shown in later prompts; an API's error may quote what it got.
    return new ProposalFailedError((this.o.redact ?? noRedaction)(message), {
      tokens: { ...this.tokens },
      transcript: this.transcript(),
      cause,
    });
  }

  private transcript(): unknown {
    return {
      messages: this.messages,
      tokens: this.tokens,
      tool_calls: this.toolCalls,
      rejected: this.failures,
    };
  }
}
