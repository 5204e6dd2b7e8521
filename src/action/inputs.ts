import { z } from "zod";
import { parseDuration } from "../config/index.ts";
import { ActionError } from "./action-error.ts";

// Session and experiment names end up in an artifact name and a directory name, so they may not
// hold `/`, `..` or the characters the artifact service rejects.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const NAME_RULE = "letters, digits, `.`, `_` or `-`, starting with a letter or digit, at most 100";

const name = (what: string) =>
  z
    .string()
    .regex(NAME, `${what} must be ${NAME_RULE}`)
    .refine((v) => !v.includes(".."), `${what} may not contain \`..\``);

/** The splits a run evaluates on (AUTOOPT_SPLIT); `search` is the one the proposer optimizes. */
const SPLITS = ["search", "heldout"] as const;

/** The action's inputs, as action.yml names them. */
export const ActionInputs = z.object({
  config: z.string().min(1).default(".github/autoopt.yml"),
  session: name("a session name"),
  experiment: name("an experiment id (e.g. exp-7)"),
  "base-sha": z
    .string()
    .regex(
      /^[0-9a-fA-F]{40}$/,
      "must be a full 40-character hex commit SHA, not a branch or short SHA",
    )
    .transform((sha) => sha.toLowerCase()),
  budget: z
    .string()
    .transform((text, ctx) => {
      const seconds = parseDuration(text);
      if (seconds === undefined || seconds <= 0) {
        ctx.addIssue({
          code: "custom",
          message: "must be a positive duration such as 90s, 5m or 1h30m",
        });
        return z.NEVER;
      }
      return seconds;
    })
    .optional(),
  "retention-days": z
    .string()
    .regex(/^\d+$/, "must be a whole number of days from 1 to 90")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1 day").max(90, "must be at most 90 days"))
    .optional(),
  /** Only for fetching the base commit; the experiment never sees it (INPUT_* is not allow-listed). */
  token: z.string().optional(),
  /** `heldout` runs promotion.heldout instead of run.command, with AUTOOPT_SPLIT=heldout. */
  split: z
    .enum(SPLITS, { error: `must be one of ${SPLITS.map((s) => `\`${s}\``).join(", ")}` })
    .default("search"),
});
export type ActionInputs = z.output<typeof ActionInputs>;

type InputName = keyof z.input<typeof ActionInputs>;

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: `${{ … }}` is a GitHub expression, shown as text
const FIXES: Record<InputName, string> = {
  config:
    "give the path of autoopt.yml relative to the repository root, e.g. `.github/autoopt.yml`",
  session: "pass the session name the App dispatched, e.g. `session: ${{ inputs.session }}`",
  experiment:
    "pass the experiment id the App dispatched, e.g. `experiment: ${{ inputs.experiment }}`",
  "base-sha": "pass the full SHA of the ratchet head, e.g. `base-sha: ${{ inputs.base_sha }}`",
  token: "leave it out to use the job's GITHUB_TOKEN, or pass a token that can read the repository",
  budget: "write a duration such as `90s` or `5m`, or leave `budget` out to use run.budget",
  "retention-days":
    "write a number of days from 1 to 90, or leave it out to use runner.retention_days",
  split:
    "write `search` (the default: the experiment itself) or `heldout` (promotion.heldout, for the App's held-out evaluation)",
};
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of the GitHub expressions
const INPUT_NAMES = Object.keys(FIXES) as InputName[];

/**
 * Reads the inputs the way the Actions runner hands them over: `INPUT_<NAME>` upper-cased with
 * spaces turned into `_` (dashes are kept: `INPUT_BASE-SHA`), trimmed, empty meaning "not given".
 */
export function readInputs(env: Readonly<Record<string, string | undefined>>): ActionInputs {
  const raw: Partial<Record<InputName, string>> = {};
  for (const input of INPUT_NAMES) {
    const value = env[`INPUT_${input.replace(/ /g, "_").toUpperCase()}`]?.trim();
    if (value) raw[input] = value;
  }
  const parsed = ActionInputs.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => describeInputIssue(issue, raw));
  throw new ActionError(
    `the action's inputs are not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    { cause: parsed.error },
  );
}

function describeInputIssue(issue: z.core.$ZodIssue, raw: Partial<Record<InputName, string>>) {
  const input = String(issue.path[0]) as InputName;
  const fix = FIXES[input] ?? "check the step's `with:` block";
  const value = raw[input];
  if (value === undefined) {
    return `input \`${input}\` is required but was not given; ${fix} under the step's \`with:\``;
  }
  return `input \`${input}\` is ${JSON.stringify(value)}, which is not valid: ${issue.message}; ${fix}`;
}
