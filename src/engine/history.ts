import { createHash } from "node:crypto";
import { type Experiment, type SessionState, sessionFrontier } from "../core/index.ts";
import type { HistoryEntry } from "../proposer/index.ts";

/** What proposers see of the session: every experiment, kept or not, with its outcome. */
export function historyOf(state: SessionState): HistoryEntry[] {
  const front = new Set(sessionFrontier(state).map((p) => p.id));
  return state.experiments
    .filter((e) => e !== undefined)
    .map((e) => ({
      ...objectivesOf(e, state),
      ...(front.has(e.id) ? { frontier: true } : {}),
      experiment: e.id,
      kind: e.kind,
      description: e.description,
      ...(e.changes === undefined ? {} : { changes: e.changes }),
      ...(e.outcome === undefined ? {} : { outcome: e.outcome }),
      ...(e.decision?.value === undefined ? {} : { value: e.decision.value }),
      ...(e.decision?.delta === undefined ? {} : { delta: e.decision.delta }),
      ...(e.hypothesis === undefined ? {} : { hypothesis: e.hypothesis }),
      ...(reasonOf(e) === undefined ? {} : { reason: reasonOf(e) }),
      sha: e.sha,
      parent: e.parent,
    }));
}

/** Harness mode: what the run reported for each objective. */
function objectivesOf(e: Experiment, state: SessionState): { objectives?: Record<string, number> } {
  const metrics = e.run?.metrics;
  if (state.objectives.length < 2 || !metrics) return {};
  const values = state.objectives.flatMap((o) => {
    const v = metrics[o.name];
    return v === undefined ? [] : [[o.name, v] as const];
  });
  return values.length > 0 ? { objectives: Object.fromEntries(values) } : {};
}

function reasonOf(e: Experiment): string | undefined {
  if (e.outcome === "crash") return e.run?.reason ?? e.decision?.reason;
  return e.outcome === "discard" ? e.decision?.reason : undefined;
}

/** A hash of a set of files, independent of order: two proposals with equal hashes are the same candidate. */
export function filesHash(files: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const path of [...files.keys()].sort()) hash.update(`${path}\0${files.get(path)}\0`);
  return hash.digest("hex");
}
