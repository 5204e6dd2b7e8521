import { createHash } from "node:crypto";
import type { Experiment } from "../core/index.ts";

/** One row of the `experiments` table, named as its columns are. */
export type ExperimentRow = {
  id: number;
  kind: string;
  outcome: string | null;
  status: string | null;
  reason: string | null;
  description: string;
  hypothesis: string | null;
  value: number | null;
  delta: number | null;
  wall_s: number | null;
  sha: string;
  parent: string;
  proposed_at: string;
  finished_at: string | null;
};

/**
 * The row, the run's metrics, and a key that changes whenever either does, so that a sync
 * rewrites only the experiments that changed.
 */
export function experimentRow(x: Experiment, metricName: string) {
  const row: ExperimentRow = {
    id: x.id,
    kind: x.kind,
    outcome: x.outcome ?? null,
    status: x.run?.status ?? null,
    // The verdict's reason says why it was kept or dropped; for a crash it carries the run's.
    reason: x.decision?.reason ?? x.run?.reason ?? null,
    description: x.description,
    hypothesis: x.hypothesis ?? null,
    value: x.decision?.value ?? x.run?.metrics[metricName] ?? null,
    delta: x.decision?.delta ?? null,
    wall_s: x.run?.wall_s ?? null,
    sha: x.sha,
    parent: x.parent,
    proposed_at: x.proposedAt,
    finished_at: x.finishedAt ?? null,
  };
  const metrics = Object.entries(x.run?.metrics ?? {});
  const key = createHash("sha1")
    .update(JSON.stringify([row, metrics]))
    .digest("base64");
  return { row, metrics, key };
}

/**
 * What the documents were indexed at: an experiment is indexed once final, and again only if
 * its verdict changes (a re-judged confirmation), never while it is still running.
 */
export function documentsKey(x: Experiment): string | undefined {
  if (x.phase !== "final") return undefined;
  return `${x.outcome ?? ""}|${x.finishedAt ?? ""}`;
}
