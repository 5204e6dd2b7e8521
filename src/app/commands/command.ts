/** What a `/autoopt` comment asks for, after parsing and validation. */

export const COMMAND_NAMES = ["start", "stop", "status", "promote", "help"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type Mode = "train" | "harness";

/** `start` with the options given; an absent option means "as configured in autoopt.yml". */
export interface StartCommand {
  name: "start";
  mode?: Mode;
  /** Wall-clock budget of each experiment run, in seconds (`run.budget`). */
  budget_s?: number;
  max_experiments?: number;
  parallel?: number;
}

export type Command = StartCommand | { name: Exclude<CommandName, "start"> };

/** The error is markdown meant to be posted as a reply, as it is. */
export type ParsedCommand = { ok: true; command: Command } | { ok: false; error: string };
