import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { resultsTsv, type SessionState } from "../core/index.ts";
import type { Proposal } from "../proposer/index.ts";
import type { SessionPaths } from "./session-paths.ts";

/** Writes a file so that readers see the old or the new content, never half of it. */
export async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    // The folder is made only when it is missing: most writes replace a file already there.
    await writeFile(tmp, content).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, content);
    });
    await rename(tmp, path);
  } catch (error) {
    // Half a file left by a full disk would only take more of the room that is missing.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`cannot write ${path}`, { cause: error });
  }
}

/** The session's archive on disk: every candidate's proposal, diff and files, kept or not. */
export class ArchiveWriter {
  private readonly paths: SessionPaths;

  constructor(paths: SessionPaths) {
    this.paths = paths;
  }

  experimentDir(n: number): string {
    return this.paths.experiment(n);
  }

  async saveProposal(
    n: number,
    proposal: Proposal,
    meta: { parent: string; sha: string; proposer: string },
    diff: string,
  ): Promise<void> {
    const dir = this.paths.experiment(n);
    const record = {
      experiment: n,
      ...meta,
      description: proposal.description,
      hypothesis: proposal.hypothesis,
      changes: proposal.changes,
      files: [...proposal.files.keys()],
      tokens: proposal.tokens,
      transcript: proposal.transcript,
    };
    // The files and the diff side by side (the driver's step waits for the slowest only), the
    // record last: a proposal.json is never there without what it describes.
    const writes = [
      ...[...proposal.files].map(([path, content]) =>
        writeAtomic(join(dir, "files", path), content),
      ),
      writeAtomic(join(dir, "diff.patch"), diff),
    ];
    const failed = (await Promise.allSettled(writes)).find((w) => w.status === "rejected");
    if (failed) throw failed.reason;
    await writeAtomic(join(dir, "proposal.json"), `${JSON.stringify(record, null, 2)}\n`);
  }

  /** Keeps the exchange of a proposal that produced no candidate, for later proposals to learn from. */
  async saveFailedProposal(
    at: string,
    n: number,
    record: { reason: string; tokens?: unknown; transcript?: unknown },
  ): Promise<void> {
    const name = `${at.replace(/[:.]/g, "-")}-${n}.json`;
    const path = join(this.paths.dir, "failed-proposals", name);
    await writeAtomic(path, `${JSON.stringify({ at, ...record }, null, 2)}\n`);
  }

  /** The diff experiment `n` made, as archived when it was proposed. */
  async readDiff(n: number): Promise<string | undefined> {
    return readFile(join(this.paths.experiment(n), "diff.patch"), "utf8").catch(() => undefined);
  }

  async writeResultsTsv(state: SessionState): Promise<void> {
    await writeAtomic(this.paths.resultsTsv, resultsTsv(state));
  }
}
