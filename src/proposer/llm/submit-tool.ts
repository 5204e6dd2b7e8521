import type { ChatCompletionFunctionTool } from "openai/resources/chat/completions";
import { z } from "zod";
import { ProposalArgs } from "./edits.ts";

/** The tool the model ends a proposal with; its parameters are generated from the zod schema. */
export const SUBMIT_TOOL: ChatCompletionFunctionTool = {
  type: "function",
  function: {
    name: "submit_proposal",
    description:
      "Submit one change to test. It is committed, run under the budget and kept only if it beats the best result beyond the noise.",
    parameters: z.toJSONSchema(ProposalArgs, { target: "draft-7" }) as Record<string, unknown>,
  },
};
