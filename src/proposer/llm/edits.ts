import { z } from "zod";

/** Bounds of `submit_proposal`'s arguments; the rejection messages quote them. */
export const PROPOSAL_LIMITS = {
  description: { min: 3, max: 200 },
  hypothesis: { min: 3, max: 4000 },
  edits: { min: 1, max: 50 },
} as const;

const path = z
  .string()
  .min(1)
  .describe(
    'The file\'s path relative to the repository root, with forward slashes, e.g. "train.py".',
  );

/** Replaces one unique passage of a file: exact match first, then one that ignores indentation. */
export const SearchReplaceEdit = z.strictObject({
  path,
  search: z
    .string()
    .regex(/\S/)
    .describe("Lines copied from the file, with enough context to occur exactly once."),
  replace: z.string().describe("The text that takes the place of `search`; may be empty."),
});
export type SearchReplaceEdit = z.infer<typeof SearchReplaceEdit>;

/** Sets a file's whole text; creates the file when it does not exist yet. */
export const WholeFileEdit = z.strictObject({
  path,
  content: z.string().describe("The complete new text of the file."),
});
export type WholeFileEdit = z.infer<typeof WholeFileEdit>;

export const Edit = z.union([SearchReplaceEdit, WholeFileEdit]);
export type Edit = z.infer<typeof Edit>;

const { description, hypothesis, edits } = PROPOSAL_LIMITS;

/** The arguments of the `submit_proposal` tool call. */
export const ProposalArgs = z.strictObject({
  description: z
    .string()
    .min(description.min)
    .max(description.max)
    .regex(/^[^\r\n]*$/)
    .describe('One line naming the change, e.g. "MATRIX_LR 0.04 → 0.05".'),
  hypothesis: z
    .string()
    .min(hypothesis.min)
    .max(hypothesis.max)
    .describe("Why the change should improve the metric."),
  edits: z
    .array(Edit)
    .min(edits.min)
    .max(edits.max)
    .describe("The changes, applied in order; later edits see the results of earlier ones."),
});
export type ProposalArgs = z.infer<typeof ProposalArgs>;

export function isWholeFileEdit(edit: Edit): edit is WholeFileEdit {
  return "content" in edit;
}
