import { createHash } from "node:crypto";
import type { Experiment, SessionState } from "../core/index.ts";
import type { HistoryEntry } from "../proposer/index.ts";

/** What proposers see of the session: every experiment, kept or not, with its outcome. */
export function historyOf(state: SessionState): HistoryEntry[] {
  return state.experiments
    .filter((e) => e !== undefined)
    .map((e) => ({
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
