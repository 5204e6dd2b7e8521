import { Config } from "../config/index.ts";
import {
  type ConfigChange,
  describeChanges,
  otherChanges,
  safetyChanges,
} from "../core/config-drift.ts";
import { type LedgerEvent, replay } from "../core/index.ts";
import { applyOverrides, type Overrides } from "./open-session.ts";

export interface SessionConfigInput {
  session: string;
  events: readonly LedgerEvent[];
  /** autoopt.yml as it is now, and where it is (for messages). */
  current: Config;
  configPath: string;
  overrides: Overrides;
  /**
   * autoopt.yml as committed in a commit (undefined when absent or invalid there): what a ledger
   * that predates recorded configs is checked against, since a run cannot change a commit.
   */
  committedAt: (sha: string) => Promise<Config | undefined>;
}

/**
 * The config a session runs with. A new session: autoopt.yml with the command-line overrides
 * (recorded by the engine at start). A resume: the config the session recorded, whatever
 * autoopt.yml says now; it refuses when autoopt.yml's safety entries changed since, so a run
 * that rewrote the user's file gains nothing, and a person who changed it on purpose is told to
 * start a new session. `--max-experiments`, `--max-hours` and `--parallel` may extend a resumed
 * session; `--budget` may not change it, since runs under another budget are not comparable.
 */
export async function sessionConfig(
  input: SessionConfigInput,
): Promise<{ config: Config; notes: string[] }> {
  const { session, events, current, overrides } = input;
  if (events.length === 0) return { config: applyOverrides(current, overrides), notes: [] };
  const state = replay(events);
  const recorded =
    state.meta.config === undefined
      ? await legacyConfig(input, state.baseSha, state.session === "" ? undefined : events[0])
      : parseRecorded(state.meta.config, session);
  const changed = safetyChanges(recorded, current);
  if (changed.length > 0) throw refusal(input, changed);
  if (overrides.budget !== undefined && overrides.budget !== recorded.run.budget) {
    throw new Error(
      `session ${session} runs every experiment with a budget of ${recorded.run.budget}s, recorded when it started; --budget ${overrides.budget}s would make its runs incomparable with its baseline. Resume without --budget, or start a new session with \`autoopt run --budget ${overrides.budget}s\``,
    );
  }
  const config = applyOverrides(recorded, { ...overrides, budget: undefined });
  const other = otherChanges(recorded, current);
  const notes =
    other.length === 0
      ? []
      : [
          `${input.configPath} changed since session ${session} started (${other.join(", ")}); the session keeps the settings it recorded — start a new session to use the new ones`,
        ];
  return { config, notes };
}

function parseRecorded(value: unknown, session: string): Config {
  const parsed = Config.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(
    `the config recorded in session ${session}'s ledger is not valid (${issue?.path.join(".")}: ${issue?.message}); the ledger was changed outside autoopt — start a new session with \`autoopt run\``,
    { cause: parsed.error },
  );
}

/**
 * A ledger written before sessions recorded their config: resumable when autoopt.yml's safety
 * entries match the file committed at the session's base commit, with the numbers the session
 * did record (budget and limits, command-line overrides included); otherwise refused.
 */
async function legacyConfig(
  input: SessionConfigInput,
  baseSha: string,
  first: LedgerEvent | undefined,
): Promise<Config> {
  const committed = baseSha === "" ? undefined : await input.committedAt(baseSha);
  if (committed === undefined) {
    throw new Error(
      `session ${input.session} was started by an earlier autoopt that did not record its config, and ${input.configPath} is not committed in its base commit ${baseSha.slice(0, 7) || "(none)"}, so resume cannot tell whether locked, run.evaluate or editable changed since. Start a new session with \`autoopt run\``,
    );
  }
  const settings = first?.type === "session" ? first.settings : {};
  const num = (key: string) => {
    const v = settings[key];
    return typeof v === "number" ? v : undefined;
  };
  return applyOverrides(committed, {
    ...optional("budget", num("budget_s")),
    ...optional("maxExperiments", num("max_experiments")),
    ...optional("maxHours", num("max_hours")),
    ...optional("parallel", num("parallel")),
  });
}

function optional<K extends keyof Overrides>(key: K, value: number | undefined): Overrides {
  return value === undefined ? {} : { [key]: value };
}

function refusal(input: SessionConfigInput, changed: readonly ConfigChange[]): Error {
  return new Error(
    `${input.configPath} changed since session ${input.session} started (${describeChanges(changed)}), so resuming it would judge its candidates by other rules. If you did not change it, a run may have: restore it (e.g. \`git checkout -- ${input.configPath}\`) and resume. To use the new settings, start a new session: \`autoopt run\``,
  );
}
