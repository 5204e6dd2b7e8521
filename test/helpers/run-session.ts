import { runCommand } from "../../src/cli/commands/run.ts";

/** A stand-in for stdout that keeps what was written. */
export function sink() {
  let text = "";
  return { write: (t: string) => (text += t), text: () => text };
}

/** `autoopt run` in `dir` as a user would start it, with what it printed. */
export async function runSession(
  dir: string,
  session: string,
  extra: Partial<Parameters<typeof runCommand>[0]> = {},
) {
  const out = sink();
  const result = await runCommand({
    cwd: dir,
    env: process.env,
    out,
    tty: false,
    signal: new AbortController().signal,
    session,
    ...extra,
  });
  return { ...result, out: out.text() };
}
