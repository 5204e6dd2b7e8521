import { copyFile, cp, lstat, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, sep } from "node:path";
import type { Result } from "../core/result.ts";

/** What to hand to uploadArtifact: every path lies under rootDirectory. */
export interface StagedArtifact {
  rootDirectory: string;
  files: string[];
}

/**
 * Lays out the artifact next to the run's archive: `result.json`, `run.log`, `metrics.json`
 * (the result's metrics) and `traces/` (the run's `$AUTOOPT_OUT/traces`, when it wrote any).
 * Only regular files and directories go in: a symlink a run left in its traces could otherwise
 * upload any file of the runner.
 */
export async function stageArtifact(archiveDir: string, result: Result): Promise<StagedArtifact> {
  const root = join(archiveDir, "artifact");
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await copyFile(join(archiveDir, "result.json"), join(root, "result.json"));
  if (await exists(join(archiveDir, "run.log"))) {
    await copyFile(join(archiveDir, "run.log"), join(root, "run.log"));
  } else {
    // An invalid candidate never runs; an empty log would look like a silent run.
    await writeFile(
      join(root, "run.log"),
      `the command never ran: ${result.reason ?? result.status}\n`,
    );
  }
  await writeFile(join(root, "metrics.json"), `${JSON.stringify(result.metrics, null, 2)}\n`);
  const traces = join(archiveDir, "out", "traces");
  if (await exists(traces)) {
    // A hard link is another name of a file anywhere on the runner; its bytes stay behind.
    const filter = async (path: string) => {
      const info = await lstat(path);
      return !(info.isFile() && info.nlink > 1);
    };
    await cp(traces, join(root, "traces"), { recursive: true, verbatimSymlinks: true, filter });
  }
  return { rootDirectory: root, files: await listUploadable(root) };
}

/** Regular files, plus directories with nothing uploadable in them (so an empty traces/ shows). */
async function listUploadable(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name));
  const isUnder = (dir: string) => (path: string) => path.startsWith(dir + sep);
  const leaves = dirs.filter((dir) => !files.some(isUnder(dir)) && !dirs.some(isUnder(dir)));
  return [...files, ...leaves].sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
