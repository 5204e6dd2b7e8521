import { z } from "zod";
import { parseDuration, suggestDuration } from "../../config/duration.ts";
import type { StartCommand } from "./command.ts";
import { suggest } from "./suggest.ts";
import { inlineCode } from "./tokenize.ts";

const FLAGS = ["mode", "budget", "max-experiments", "parallel"] as const;
type Flag = (typeof FLAGS)[number];
type Given = Partial<Record<Flag, string>>;

/** A sentence about what is wrong, or the options of `start`. */
export type StartOptions = { ok: true; command: StartCommand } | { ok: false; error: string };

/** Reads `start`'s arguments: each a `--flag value` or `--flag=value`, once. */
export function parseStartOptions(args: readonly string[]): StartOptions {
  const given: Given = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const flag = knownFlag(name);
    if (!flag) return { ok: false, error: notAnOption(arg, name) };
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (args[i + 1] !== undefined && !args[i + 1]?.startsWith("--")) value = args[++i];
    if (value === undefined || value === "")
      return { ok: false, error: `${inlineCode(name)} needs a value, e.g. ${example(flag)}.` };
    const earlier = given[flag];
    if (earlier !== undefined) {
      const both = `${inlineCode(earlier)}, then ${inlineCode(value)}`;
      return { ok: false, error: `${inlineCode(name)} is given twice (${both}); give it once.` };
    }
    given[flag] = value;
  }
  const parsed = StartFlags.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? "");
    const shown = inlineCode(`--${flag} ${given[flag as Flag] ?? ""}`);
    return { ok: false, error: `${shown}: ${issue?.message ?? "invalid value"}.` };
  }
  return { ok: true, command: toCommand(parsed.data) };
}

function knownFlag(name: string): Flag | undefined {
  if (!name.startsWith("--")) return undefined;
  return FLAGS.find((f) => f === name.slice(2));
}

function notAnOption(arg: string, name: string): string {
  if (!arg.startsWith("-"))
    return `\`start\` does not take ${inlineCode(arg)}; its options look like \`--budget 5m\`.`;
  const guess = suggest(name, FLAGS);
  const hint = guess
    ? `did you mean \`--${guess}\`?`
    : `its options are ${FLAGS.map((f) => `\`--${f}\``).join(", ")}.`;
  return `\`start\` has no option ${inlineCode(name)}; ${hint}`;
}

function example(flag: Flag): string {
  const examples: Record<Flag, string> = {
    mode: "`--mode train`",
    budget: "`--budget 5m`",
    "max-experiments": "`--max-experiments 50`",
    parallel: "`--parallel 2`",
  };
  return examples[flag];
}

/** A whole number in [min, max], written plainly (no sign, exponent or decimals). */
function wholeNumber(min: number, max: number, what: string) {
  return z.string().transform((text, ctx) => {
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    ctx.addIssue({ code: "custom", message: `${what} must be a whole number ${range}` });
    return z.NEVER;
  });
}

const Budget = z.string().transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (seconds !== undefined && seconds > 0) return seconds;
  const better = suggestDuration(text);
  const message =
    seconds === 0
      ? "the budget must be longer than zero"
      : better
        ? `not a duration; write \`${better}\` instead`
        : "not a duration; write a number with a unit: `90s`, `5m` or `1h` (or `1h30m`)";
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
});

const StartFlags = z.object({
  mode: z
    .enum(["train", "harness"], { error: "the mode is either `train` or `harness`" })
    .optional(),
  budget: Budget.optional(),
  "max-experiments": wholeNumber(
    1,
    Number.MAX_SAFE_INTEGER,
    "the number of experiments",
  ).optional(),
  parallel: wholeNumber(1, 64, "the number of parallel experiments").optional(),
});

function toCommand(flags: z.infer<typeof StartFlags>): StartCommand {
  return {
    name: "start",
    ...(flags.mode === undefined ? {} : { mode: flags.mode }),
    ...(flags.budget === undefined ? {} : { budget_s: flags.budget }),
    ...(flags["max-experiments"] === undefined
      ? {}
      : { max_experiments: flags["max-experiments"] }),
    ...(flags.parallel === undefined ? {} : { parallel: flags.parallel }),
  };
}
