import type { GroupOutcome, Sandbox, SandboxSpec } from "../sandbox/index.ts";
import { ByteRing, lastLine } from "./byte-ring.ts";
import type { CappedLog } from "./capped-log.ts";

/** Enough stdout for any summary block, however much the command printed before it. */
const STDOUT_KEPT = 64 * 1024;
const STDERR_KEPT = 4096;

export interface CommandSpec extends Omit<SandboxSpec, "onOutput"> {
  log: CappedLog;
}

export interface CommandRun extends GroupOutcome {
  /** The last 64 KiB of stdout alone, where metrics are looked for. */
  stdout: string;
  /** The last non-blank line of stderr, or of stdout when stderr said nothing. */
  lastLine: string;
}

/** Runs one command in the sandbox with its output going to the log. */
export async function runCommand(sandbox: Sandbox, spec: CommandSpec): Promise<CommandRun> {
  const stdout = new ByteRing(STDOUT_KEPT);
  const stderr = new ByteRing(STDERR_KEPT);
  const { log: _log, ...sandboxed } = spec;
  const outcome = await sandbox.run({
    ...sandboxed,
    onOutput: (chunk, stream) => {
      spec.log.write(chunk);
      (stream === "stdout" ? stdout : stderr).push(chunk);
    },
  });
  const stdoutText = stdout.text();
  // Redacted before lastLine shortens it, which could cut a secret and keep a part of it.
  const redact = spec.log.redact;
  return {
    ...outcome,
    stdout: stdoutText,
    lastLine: lastLine(redact(stderr.text())) || lastLine(redact(stdoutText)),
  };
}
