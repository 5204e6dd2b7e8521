import { Command, InvalidArgumentError } from "commander";
import { ConfigError, parseDuration } from "../config/index.ts";
import { DiskFullError, findDiskFull } from "../engine/disk-full.ts";
import { heldoutCommand } from "./commands/heldout.ts";
import { initCommand } from "./commands/init.ts";
import { reportCommand } from "./commands/report.ts";
import { runCommand } from "./commands/run.ts";
import { statusCommand } from "./commands/status.ts";
import { parseRunnerLabels } from "./github-templates.ts";

function duration(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds <= 0)
    throw new InvalidArgumentError("use a duration such as 90s, 5m or 1h");
  return seconds;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError("use a whole number of 1 or more");
  return n;
}

function runnerLabels(value: string): string[] {
  try {
    return parseRunnerLabels(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

export function program(env: NodeJS.ProcessEnv, cwd: string): Command {
  const cli = new Command("autoopt").description(
    "Autonomous optimization loops: propose, run, keep what beats the best.",
  );
  cli.showHelpAfterError();
  cli
    .command("init")
    .description("write autoopt.yml and program.md (--github: the files the autoopt App needs)")
    .option("--force", "overwrite existing files")
    .option("--github", "write .github/autoopt.yml and the experiment workflow for the autoopt App")
    .option(
      "--runs-on <labels>",
      "with --github: comma-separated labels of the runners (default: self-hosted,gpu)",
      runnerLabels,
    )
    .action(async (o: { force?: boolean; github?: boolean; runsOn?: string[] }) => {
      await initCommand({
        cwd,
        env,
        force: o.force ?? false,
        github: o.github ?? false,
        ...(o.runsOn === undefined ? {} : { runsOn: o.runsOn }),
        out: process.stdout,
      });
    });
  cli
    .command("run")
    .description("start a session, or resume one with --session")
    .option("--session <tag>", "session to start or resume (default: today's date, e.g. nov27)")
    .option("--config <file>", "config file (default: autoopt.yml at the repository root)")
    .option("--budget <duration>", "wall-clock budget of each experiment", duration)
    .option("--max-experiments <n>", "stop after this many proposals", positiveInt)
    .option("--max-hours <hours>", "stop after this many hours", Number)
    .option("--parallel <n>", "experiments in flight at once", positiveInt)
    .action(
      async (o: {
        session?: string;
        config?: string;
        budget?: number;
        maxExperiments?: number;
        maxHours?: number;
        parallel?: number;
      }) => {
        const controller = new AbortController();
        let interrupts = 0;
        const onSigint = () => {
          interrupts++;
          if (interrupts > 1) process.exit(130);
          process.stderr.write(
            "\nautoopt: stopping — killing the running experiment and recording it (Ctrl-C again to quit at once)\n",
          );
          controller.abort();
        };
        process.on("SIGINT", onSigint);
        process.on("SIGTERM", onSigint);
        try {
          await runCommand({
            ...o,
            cwd,
            env,
            out: process.stdout,
            tty: Boolean(process.stdout.isTTY),
            signal: controller.signal,
          });
        } finally {
          process.off("SIGINT", onSigint);
          process.off("SIGTERM", onSigint);
        }
        if (controller.signal.aborted) process.exitCode = 130;
      },
    );
  cli
    .command("status")
    .description("show a session's state: best, kept changes, last experiments")
    .option("--session <tag>", "session (default: the latest)")
    .action(async (o: { session?: string }) => {
      await statusCommand({ cwd, env, out: process.stdout, ...o });
    });
  cli
    .command("report")
    .description("write the progress chart (SVG and PNG) of a session")
    .option("--session <tag>", "session (default: the latest)")
    .option("--out <file>", "chart path without extension (default: .autoopt/<session>/progress)")
    .option(
      "--heldout",
      "also evaluate the baseline and the best commit on the held-out split (promotion.heldout) and write promotion.md",
    )
    .action(async (o: { session?: string; out?: string; heldout?: boolean }) => {
      const session = o.session === undefined ? {} : { session: o.session };
      await reportCommand({
        cwd,
        env,
        out: process.stdout,
        ...session,
        ...(o.out === undefined ? {} : { outFile: o.out }),
      });
      if (o.heldout) await heldoutCommand({ cwd, env, out: process.stdout, ...session });
    });
  return cli;
}

try {
  await program(process.env, process.cwd()).parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`autoopt: ${describeError(error)}\n`);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}

/** The line a person reads; a full disk outside a running session still says what to do. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const full = error instanceof DiskFullError ? undefined : findDiskFull(error);
  if (!full) return message;
  const where = full.path ? ` (${full.path})` : "";
  return `the disk is full (${full.code}): ${full.doing ?? message}${where}. Nothing recorded was lost; free space on that disk, then run the command again`;
}
