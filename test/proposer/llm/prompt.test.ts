import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../../src/proposer/llm/prompt.ts";
import { context } from "./openai-fixtures.ts";

describe("buildPrompt", () => {
  it("in train mode shows one metric column and no objective rules", async () => {
    const { user } = await buildPrompt(context(), 24_000);
    expect(user).toContain("| exp | status | val_bpb | Δ | description | hypothesis | reason |");
    expect(user).not.toContain("objectives:");
  });

  it("in harness mode states the objectives, the rule, the traces and the frontier", async () => {
    const base = context();
    const harness = context({
      metric: { name: "accuracy", goal: "maximize" },
      history: [
        {
          experiment: 1,
          kind: "baseline",
          description: "baseline",
          outcome: "baseline",
          value: 0.635,
          objectives: { accuracy: 0.635, context_tokens: 393.5 },
        },
        {
          experiment: 2,
          kind: "candidate",
          description: "EXAMPLE_CHARS 200 → 300",
          outcome: "keep",
          value: 0.675,
          delta: 0.04,
          objectives: { accuracy: 0.675, context_tokens: 380 },
          frontier: true,
        },
      ],
      rules: {
        ...base.rules,
        objectives: [
          { name: "accuracy", goal: "maximize" },
          { name: "context_tokens", goal: "minimize", limit: 2500 },
        ],
        rule: "primary",
      },
    });
    const { user } = await buildPrompt(harness, 24_000);
    expect(user).toContain(
      "- objectives: accuracy (higher is better); context_tokens (lower is better, must stay ≤ 2500)",
    );
    expect(user).toContain("candidates are compared by accuracy alone");
    expect(user).toContain("exp-<n>/out/traces/*.jsonl");
    expect(user).toContain("never write task ids or expected answers into the code");
    expect(user).toContain("| exp | status | accuracy | Δ | context_tokens | description |");
    expect(user).toContain("| 2 | keep ★ | 0.675 | 0.04 | 380 | EXAMPLE_CHARS 200 → 300 |");
    expect(user).toContain("| 1 | baseline | 0.635 | — | 393.5 | baseline |");
  });

  it("spells out a weighted score", async () => {
    const base = context();
    const weighted = context({
      metric: { name: "score", goal: "maximize" },
      rules: {
        ...base.rules,
        objectives: [
          { name: "accuracy", goal: "maximize" },
          { name: "context_tokens", goal: "minimize" },
        ],
        rule: "weighted",
        weights: { accuracy: 1, context_tokens: 0.0001 },
      },
    });
    const { user } = await buildPrompt(weighted, 24_000);
    expect(user).toContain("score = 1·accuracy + 0.0001·context_tokens");
    expect(user).toContain("| exp | status | score | Δ | accuracy | context_tokens |");
  });
});
