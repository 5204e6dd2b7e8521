import { join } from "node:path";
import { ArchiveIndex, ArchiveTools } from "../../src/archive/index.ts";
import { type ArchiveFixture, buildArchive, removeArchives } from "./fixture.ts";

export const CANDIDATE_FILES = new Map([
  ["train.py", "import torch\nMATRIX_LR = 0.05\nDEPTH = 8\n"],
  ["lib/util.py", "def helper():\n    return 42\n"],
]);

export interface ToolsFixture extends ArchiveFixture {
  index: ArchiveIndex;
  tools: ArchiveTools;
  /** The (from, to) commit pairs the diff callback was asked for. */
  diffs: [string, string][];
  /** Closes the index and deletes the archive. */
  close(): void;
}

/** The fixture archive, synced into an index inside the session folder, behind ArchiveTools. */
export async function buildTools(
  options: { diff?: (from: string, to: string) => Promise<string> } = {},
): Promise<ToolsFixture> {
  const f = buildArchive();
  const index = ArchiveIndex.open(join(f.sessionDir, "index.sqlite"));
  await index.sync(f.state, f.sessionDir, { hidden: (p) => p === f.heldout });
  const diffs: [string, string][] = [];
  const diff =
    options.diff ??
    (async (from: string, to: string) => {
      diffs.push([from, to]);
      return `diff --git a/train.py b/train.py\n-MATRIX_LR = 0.04\n+MATRIX_LR = 0.05\n`;
    });
  const tools = new ArchiveTools({
    sessionDir: f.sessionDir,
    index,
    candidate: CANDIDATE_FILES,
    diff,
    shaOf: (n) => f.state.experiments[n - 1]?.sha,
    ratchetSha: () => f.state.ratchetSha,
    hidden: (p) => p === f.heldout,
  });
  return Object.assign(f, {
    index,
    tools,
    diffs,
    close: () => {
      index.close();
      removeArchives();
    },
  });
}
