/** The help text is markdown, posted as a reply to `/autoopt help` and below every error. */

const START_LINE =
  "/autoopt start [--mode train|harness] [--budget <duration>] [--max-experiments <n>] [--parallel <n>]";

const START_OPTIONS = [
  "Options of `start` override `.github/autoopt.yml` for this session:",
  "- `--mode train|harness`: what is optimized, a training script or the code around an LLM.",
  "- `--budget <duration>`: wall-clock budget of each experiment run, e.g. `90s`, `5m` or `1h`.",
  "- `--max-experiments <n>`: how many changes to try before stopping (a positive whole number).",
  "- `--parallel <n>`: how many experiments run at once, from 1 to 64.",
  "",
  "Write an option as `--budget 5m` or `--budget=5m`; quote a value that has spaces.",
];

/** Everything `/autoopt` understands, as markdown. */
export function usage(): string {
  // The commands sit in a code block, which the parser skips, so quoting this help never runs anything.
  return [
    "**autoopt commands** (the command must start a line of the comment):",
    "",
    "```",
    START_LINE,
    "/autoopt stop",
    "/autoopt status",
    "/autoopt promote",
    "/autoopt help",
    "```",
    "",
    "- `start`: begin an optimization session on this repository.",
    "- `stop`: propose nothing more; experiments already running finish and are recorded.",
    "- `status`: refresh the session's status comment.",
    "- `promote`: open or refresh the pull request of the kept changes; a person reviews and merges it.",
    "- `help`: show this message.",
    "",
    ...START_OPTIONS,
    "",
    "Only people with write access to the repository can command autoopt.",
  ].join("\n");
}

/** The usage of `start` alone, shown under an error about its options. */
export function startUsage(): string {
  return ["Usage:", "", "```", START_LINE, "```", "", ...START_OPTIONS].join("\n");
}
