import type { CommandRun } from "./run-command.ts";

export interface EndVerdict {
  status: "crash" | "timeout";
  reason: string;
}

export interface Who {
  /** How the reason names the process: `the command`, `evaluator`. */
  label: string;
  command: string;
  /** The limit it ran under, as people write it: `budget + grace (5m + 1m)`. */
  limit: string;
}

/**
 * Why a process did not end well, in one line a person can act on; undefined when it exited 0.
 * The last stderr line comes along because it usually is the error.
 */
export function describeEnd(run: CommandRun, who: Who): EndVerdict | undefined {
  if (run.end === "spawn-failed") {
    return crash(`${who.label} could not start: ${run.error?.message ?? "no reason given"}`);
  }
  if (run.end === "interrupted") return crash("interrupted");
  if (run.end === "timeout")
    return { status: "timeout", reason: `${who.label} was killed at ${who.limit}` };
  if (run.exitCode === 0) return undefined;
  const detail = run.lastLine ? `: ${run.lastLine}` : "";
  // sh's own codes for "no such program" and "not executable"; naming them saves a log dive.
  if (run.exitCode === 127) {
    return crash(
      `${who.label} \`${who.command}\` failed: not found (exit 127)${detail} — check that it is installed and on the run's PATH`,
    );
  }
  if (run.exitCode === 126) {
    return crash(`${who.label} \`${who.command}\` failed: not executable (exit 126)${detail}`);
  }
  if (run.exitCode !== null) return crash(`${who.label} exited with code ${run.exitCode}${detail}`);
  return crash(`${who.label} was killed by ${run.signal ?? "a signal"}${detail}`);
}

function crash(reason: string): EndVerdict {
  return { status: "crash", reason };
}
