import { stat } from "node:fs/promises";
import { replay, type SessionState } from "../core/index.ts";
import { LedgerFile, sessionPaths } from "../engine/index.ts";
import { repoRoot } from "../forge/local/index.ts";
import { type Env, listSessions } from "./open-session.ts";

/** A recorded session, read-only: `--session`, or the one whose ledger changed last. */
export async function loadSession(cwd: string, env: Env, session?: string) {
  const repo = await repoRoot(cwd, env);
  const sessions = await listSessions(repo);
  if (sessions.length === 0)
    throw new Error("no session has run in this repository yet; start one with `autoopt run`");
  let name = session;
  if (name === undefined) {
    const times = await Promise.all(
      sessions.map(async (s) => (await stat(sessionPaths(repo, s).ledger)).mtimeMs),
    );
    name = sessions[times.indexOf(Math.max(...times))];
  } else if (!sessions.includes(name)) {
    throw new Error(`no session "${name}"; the sessions here are ${sessions.join(", ")}`);
  }
  const paths = sessionPaths(repo, name ?? "");
  const { events } = await new LedgerFile(paths.ledger).load();
  const state: SessionState = replay(events);
  return { repo, name: name ?? "", paths, state };
}
