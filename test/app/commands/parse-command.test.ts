import { describe, expect, it } from "vitest";
import { findCommandLine, parseCommand, usage } from "../../../src/app/commands/parse-command.ts";

/** The sentence of an error, without the usage that follows it. */
function errorOf(body: string): string {
  const parsed = parseCommand(body);
  if (parsed === undefined || parsed.ok) throw new Error(`expected an error for ${body}`);
  return parsed.error.split("\n\n")[0] ?? "";
}

function commandOf(body: string) {
  const parsed = parseCommand(body);
  if (parsed === undefined || !parsed.ok) throw new Error(`expected a command for ${body}`);
  return parsed.command;
}

describe("parseCommand: finding the command", () => {
  it("ignores comments without a command line", () => {
    expect(parseCommand("Looks good to me!")).toBeUndefined();
    expect(parseCommand("I ran /autoopt start yesterday")).toBeUndefined();
    expect(parseCommand("/autooptimize start")).toBeUndefined();
    expect(parseCommand("")).toBeUndefined();
  });

  it("takes the first command line, after leading blanks, and ignores the rest", () => {
    const body = "Let's try:\r\n   \t/autoopt stop\n/autoopt start --parallel 3\nthanks";
    expect(commandOf(body)).toEqual({ name: "stop" });
    expect(findCommandLine(body)).toBe(" stop");
  });

  it("reads /autoopt alone as help, in any letter case", () => {
    expect(commandOf("/autoopt")).toEqual({ name: "help" });
    expect(commandOf("/autoopt   ")).toEqual({ name: "help" });
    expect(commandOf("/AutoOpt STATUS")).toEqual({ name: "status" });
  });

  it("skips commands quoted in fenced code blocks, such as the help text itself", () => {
    expect(parseCommand(usage())).toBeUndefined();
    expect(commandOf("~~~\n/autoopt start\n~~~\n/autoopt status")).toEqual({ name: "status" });
    // An inner shorter fence does not close a longer one.
    expect(parseCommand("````\n```\n/autoopt stop\n````")).toBeUndefined();
  });
});

describe("parseCommand: commands", () => {
  it.each(["stop", "status", "promote", "help"] as const)("parses %s", (name) => {
    expect(commandOf(`/autoopt ${name}`)).toEqual({ name });
  });

  it("parses start without options as the configured defaults", () => {
    expect(commandOf("/autoopt start")).toEqual({ name: "start" });
  });

  it("parses every option of start, in either spelling", () => {
    expect(
      commandOf("/autoopt start --mode harness --budget=90s --max-experiments 40 --parallel=8"),
    ).toEqual({ name: "start", mode: "harness", budget_s: 90, max_experiments: 40, parallel: 8 });
    expect(commandOf("/autoopt start --mode=train")).toEqual({ name: "start", mode: "train" });
    expect(commandOf("/autoopt start --budget 1h")).toEqual({ name: "start", budget_s: 3600 });
    expect(commandOf("/autoopt start --budget 5m")).toEqual({ name: "start", budget_s: 300 });
    expect(commandOf("/autoopt start --parallel 64")).toEqual({ name: "start", parallel: 64 });
    expect(commandOf("/autoopt start --parallel 1")).toEqual({ name: "start", parallel: 1 });
  });

  it("tokenises like a shell: quotes, escapes, and quotes joined to a word", () => {
    const start = { name: "start", budget_s: 5400 };
    expect(commandOf("/autoopt start --budget '1h 30m'")).toEqual(start);
    expect(commandOf('/autoopt start --budget "1h 30m"')).toEqual(start);
    expect(commandOf("/autoopt start --budget 1h\\ 30m")).toEqual(start);
    expect(commandOf('/autoopt start --budget="1h 30m"')).toEqual(start);
    expect(commandOf("/autoopt start '--budget=1h 30m'")).toEqual(start);
    expect(commandOf("/autoopt start --budget 1'h 3'0m")).toEqual(start);
    expect(commandOf("/autoopt 'st'art")).toEqual({ name: "start" });
    expect(commandOf("/autoopt start --mode har\\ness")).toEqual({
      name: "start",
      mode: "harness",
    });
    // Inside double quotes a backslash escapes only `"` and `\\`, as in a shell.
    expect(commandOf('/autoopt start --mode "train"""')).toEqual({ name: "start", mode: "train" });
    expect(errorOf('/autoopt start --mode "tr\\ain"')).toBe(
      "`--mode tr\\ain`: the mode is either `train` or `harness`.",
    );
    expect(errorOf('/autoopt start --mode "\\"train\\""')).toBe(
      '`--mode "train"`: the mode is either `train` or `harness`.',
    );
  });
});

describe("parseCommand: errors name the bad part and show the usage", () => {
  it("lists the commands for an unknown one and suggests the closest", () => {
    expect(errorOf("/autoopt strat")).toBe(
      "`/autoopt strat` is not a command. Did you mean `start`? The commands are `start`, `stop`, `status`, `promote`, `help`.",
    );
    expect(errorOf("/autoopt deploy")).toBe(
      "`/autoopt deploy` is not a command. The commands are `start`, `stop`, `status`, `promote`, `help`.",
    );
    expect(parseCommand("/autoopt deploy")).toMatchObject({
      error: expect.stringContaining(usage()),
    });
  });

  it("says options go after the command", () => {
    expect(errorOf("/autoopt --budget 5m")).toBe(
      "Options go after the command, as in `/autoopt start --budget …`; which command did you mean?",
    );
  });

  it("suggests the flag an unknown one was meant to be", () => {
    expect(errorOf("/autoopt start --budgit 5m")).toBe(
      "`start` has no option `--budgit`; did you mean `--budget`?",
    );
    expect(errorOf("/autoopt start --max_experiments 5")).toBe(
      "`start` has no option `--max_experiments`; did you mean `--max-experiments`?",
    );
    expect(errorOf("/autoopt start -budget 5m")).toBe(
      "`start` has no option `-budget`; did you mean `--budget`?",
    );
    expect(errorOf("/autoopt start --verbose")).toBe(
      "`start` has no option `--verbose`; its options are `--mode`, `--budget`, `--max-experiments`, `--parallel`.",
    );
    expect(errorOf("/autoopt start now")).toBe(
      "`start` does not take `now`; its options look like `--budget 5m`.",
    );
  });

  it("shows the usage of start under an error about its options", () => {
    const parsed = parseCommand("/autoopt start --budgit 5m");
    expect(parsed?.ok).toBe(false);
    if (parsed && !parsed.ok) {
      expect(parsed.error).toContain("/autoopt start [--mode train|harness] [--budget <duration>]");
      expect(parsed.error).not.toContain("/autoopt promote");
    }
  });

  it("asks for a missing value", () => {
    expect(errorOf("/autoopt start --budget")).toBe(
      "`--budget` needs a value, e.g. `--budget 5m`.",
    );
    expect(errorOf("/autoopt start --budget --parallel 2")).toBe(
      "`--budget` needs a value, e.g. `--budget 5m`.",
    );
    expect(errorOf("/autoopt start --parallel=")).toBe(
      "`--parallel` needs a value, e.g. `--parallel 2`.",
    );
    expect(errorOf("/autoopt start --mode ''")).toBe(
      "`--mode` needs a value, e.g. `--mode train`.",
    );
  });

  it("explains a bad duration, with a fix when one is evident", () => {
    expect(errorOf("/autoopt start --budget '5 minutes'")).toBe(
      "`--budget 5 minutes`: not a duration; write `5m` instead.",
    );
    expect(errorOf("/autoopt start --budget soon")).toBe(
      "`--budget soon`: not a duration; write a number with a unit: `90s`, `5m` or `1h` (or `1h30m`).",
    );
    expect(errorOf("/autoopt start --budget 0m")).toBe(
      "`--budget 0m`: the budget must be longer than zero.",
    );
  });

  it("rejects counts that are not positive whole numbers, and parallel above 64", () => {
    const count = "the number of experiments must be a whole number of at least 1.";
    expect(errorOf("/autoopt start --max-experiments 0")).toBe(`\`--max-experiments 0\`: ${count}`);
    expect(errorOf("/autoopt start --max-experiments 2.5")).toBe(
      `\`--max-experiments 2.5\`: ${count}`,
    );
    expect(errorOf("/autoopt start --max-experiments 1e3")).toBe(
      `\`--max-experiments 1e3\`: ${count}`,
    );
    const parallel = "the number of parallel experiments must be a whole number from 1 to 64.";
    expect(errorOf("/autoopt start --parallel 65")).toBe(`\`--parallel 65\`: ${parallel}`);
    expect(errorOf("/autoopt start --parallel -1")).toBe(`\`--parallel -1\`: ${parallel}`);
    expect(errorOf("/autoopt start --parallel 0")).toBe(`\`--parallel 0\`: ${parallel}`);
  });

  it("rejects an unknown mode", () => {
    expect(errorOf("/autoopt start --mode eval")).toBe(
      "`--mode eval`: the mode is either `train` or `harness`.",
    );
  });

  it("rejects a flag given twice, showing both values", () => {
    expect(errorOf("/autoopt start --parallel 2 --parallel=3")).toBe(
      "`--parallel` is given twice (`2`, then `3`); give it once.",
    );
  });

  it("points at an unterminated quote", () => {
    expect(errorOf('/autoopt start --budget "5m')).toBe(
      'The double quote in `"5m` is never closed; close it, or put a backslash before it to mean the character itself.',
    );
    expect(errorOf("/autoopt start --budget 'an hour and a half, please")).toBe(
      "The single quote in `'an hour and a half,…` is never closed; close it, or put a backslash before it to mean the character itself.",
    );
  });

  it("refuses arguments to commands that take none", () => {
    expect(errorOf("/autoopt stop now please")).toBe(
      "`/autoopt stop` takes no arguments, but got `now please`.",
    );
  });

  it("keeps backticks in the echoed input from breaking the markdown", () => {
    expect(errorOf("/autoopt start --budget '`rm`'")).toBe(
      "`` --budget `rm` ``: not a duration; write a number with a unit: `90s`, `5m` or `1h` (or `1h30m`).",
    );
  });
});
