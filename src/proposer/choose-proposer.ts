import type { Config } from "../config/index.ts";
import { type Redactor, redactor, secretValues } from "../core/index.ts";
import { LlmProposer } from "./llm/llm-proposer.ts";
import type { Proposer } from "./proposer.ts";
import { SearchProposer } from "./search/search-proposer.ts";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The configured proposer; the LLM one only with its key present, and saying so plainly when not.
 * What it sends to the model is redacted of the secrets in `env`, or of those `redact` knows.
 */
export function chooseProposer(
  config: Config,
  env: Env,
  out: { write(text: string): unknown },
  redact: Redactor = redactor(secretValues(env, config)),
): Proposer {
  const p = config.proposer;
  if (p.kind === "search") return new SearchProposer({ maxChanges: p.max_changes });
  const apiKey = env[p.api_key_env];
  // Local servers (Ollama, vLLM, llama.cpp) usually need no key; any non-empty string will do for them.
  const key = apiKey || (p.base_url && isLocal(p.base_url) ? "local" : undefined);
  if (!key) {
    out.write(
      `autoopt: ${p.api_key_env} is not set, so the LLM proposer (${p.model}) cannot run; falling back to the offline search proposer\n`,
    );
    return new SearchProposer();
  }
  out.write(`autoopt: proposer ${p.model}${p.base_url ? ` at ${p.base_url}` : ""}\n`);
  return new LlmProposer({
    model: p.model,
    apiKey: key,
    ...(p.base_url ? { baseURL: p.base_url } : {}),
    ...(p.temperature === undefined ? {} : { temperature: p.temperature }),
    ...(p.max_output_tokens === undefined ? {} : { maxOutputTokens: p.max_output_tokens }),
    maxTokensPerProposal: p.max_tokens_per_proposal,
    ...(p.max_tokens_per_session === undefined
      ? {}
      : { maxTokensPerSession: p.max_tokens_per_session }),
    promptTokens: p.prompt_tokens,
    maxToolCalls: p.max_tool_calls,
    maxAttempts: p.max_attempts,
    timeoutS: p.timeout,
    redact,
  });
}

function isLocal(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "::1" || host === "[::1]";
}
