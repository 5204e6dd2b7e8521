import { lstat, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Experiment, LedgerEvent, SessionState } from "../../core/index.ts";
import { ArchiveWriter, sessionPathsAt, writeAtomic } from "../../engine/index.ts";
import { LocalTools } from "../../engine/local-tools.ts";
import type { Forge } from "../../forge/forge.ts";
import type { Proposal } from "../../proposer/index.ts";
import { type ArtifactLimits, type UnpackReport, unpackArtifact } from "./unpack-artifact.ts";

/**
 * The ledger events a local session's ledger.jsonl holds: the experiments and the session's
 * course. Held-out results never go in (no proposer may see a held-out number), nor notes or
 * the App's own bookkeeping; an event type added later stays out until it is listed here.
 */
const EXPERIMENT_EVENTS: ReadonlySet<LedgerEvent["type"]> = new Set([
  "session",
  "proposed",
  "proposal_failed",
  "finished",
  "interrupted",
  "rebase_failed",
  "dispatched",
  "resumed",
  "stopped",
]);

const INDEX = "index.sqlite";

/**
 * One App session's archive cache, laid out like a local session folder: `exp-<n>/` with
 * proposal.json, diff.patch and files/ from the commit, result.json, run.log and out/ from the
 * run's artifact; ledger.jsonl and results.tsv; and the index the tools query.
 */
export class SessionArchive {
  readonly dir: string;
  private readonly writer: ArchiveWriter;
  /** Experiments whose artifact this process wrote or tried to fetch: never fetched again. */
  private readonly handled = new Set<number>();

  constructor(dir: string) {
    this.dir = dir;
    this.writer = new ArchiveWriter(sessionPathsAt(dir));
  }

  experimentDir(n: number): string {
    return join(this.dir, `exp-${n}`);
  }

  saveProposal(
    n: number,
    proposal: Proposal,
    meta: { parent: string; sha: string; proposer: string },
    diff: string,
  ): Promise<void> {
    return this.writer.saveProposal(n, proposal, meta, diff);
  }

  saveFailedProposal(
    at: string,
    n: number,
    record: { reason: string; tokens?: unknown; transcript?: unknown },
  ): Promise<void> {
    return this.writer.saveFailedProposal(at, n, record);
  }

  readDiff(n: number): Promise<string | undefined> {
    return this.writer.readDiff(n);
  }

  /** Writes experiment `n`'s run artifact into `exp-<n>/` (see unpackArtifact). */
  saveArtifact(n: number, zip: Uint8Array, limits?: ArtifactLimits): Promise<UnpackReport> {
    this.handled.add(n);
    return unpackArtifact(zip, this.experimentDir(n), limits);
  }

  /** Experiment `n`'s run ended without an artifact worth keeping: not looked for again. */
  markHandled(n: number): void {
    this.handled.add(n);
  }

  /** Whether `exp-<n>/` has no result.json and this process never looked for its artifact. */
  async lacksArtifact(n: number): Promise<boolean> {
    if (this.handled.has(n)) return false;
    return !(await isFile(join(this.experimentDir(n), "result.json")));
  }

  /**
   * proposal.json of a candidate rebuilt from its ledger record, when its folder has none (the
   * cache was lost in a restart). The exchange with the model is gone; the record says so.
   */
  async restoreProposal(x: Experiment): Promise<boolean> {
    const path = join(this.experimentDir(x.id), "proposal.json");
    if (x.kind !== "candidate" || (await isFile(path))) return false;
    const record = {
      experiment: x.id,
      parent: x.parent,
      sha: x.sha,
      description: x.description,
      hypothesis: x.hypothesis,
      changes: x.changes,
      restored:
        "rebuilt from the session's ledger after the App restarted; the proposer's exchange was not kept",
    };
    await writeAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
    return true;
  }

  /** ledger.jsonl (experiment events only) and results.tsv, as a local session keeps them. */
  async writeLedger(events: readonly LedgerEvent[], state: SessionState): Promise<void> {
    const lines = events.filter((e) => EXPERIMENT_EVENTS.has(e.type)).map((e) => JSON.stringify(e));
    await writeAtomic(join(this.dir, "ledger.jsonl"), lines.map((l) => `${l}\n`).join(""));
    await this.writer.writeResultsTsv(state);
  }

  /** The archive tools over this folder, with the index at `index.sqlite`; close them after use. */
  tools(forge: Forge): LocalTools {
    return new LocalTools(this.dir, forge);
  }

  /** Deletes the index, so that the next tools rebuild it from the files here. */
  async dropIndex(): Promise<void> {
    for (const suffix of ["", "-wal", "-shm", "-journal"])
      await rm(join(this.dir, `${INDEX}${suffix}`), { force: true });
  }

  /** Deletes the whole folder (a closed session). */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    this.handled.clear();
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}
