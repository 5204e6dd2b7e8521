import { constants } from "node:fs";
import { lstat, mkdir, open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type UnzipFileInfo, unzipSync } from "fflate";
import { artifactPath } from "./artifact-paths.ts";
import { zipLinkFlags } from "./zip-links.ts";

const MiB = 1024 * 1024;

/** How much of one run's artifact the cache takes, uncompressed. */
export interface ArtifactLimits {
  maxFileBytes: number;
  maxTotalBytes: number;
  maxFiles: number;
}

/**
 * Generous for logs (the runner caps run.log at `run.log_limit`) and for traces (the index reads
 * at most 100,000 tasks of an experiment anyway), small enough that a disk survives a session.
 */
export const ARTIFACT_LIMITS: ArtifactLimits = {
  maxFileBytes: 64 * MiB,
  maxTotalBytes: 256 * MiB,
  maxFiles: 10_000,
};

/** Bytes decompressed at once: the whole artifact is never held uncompressed. */
const BATCH_BYTES = 32 * MiB;

export interface UnpackReport {
  /** Paths written, relative to the experiment's folder. */
  written: string[];
  /** Entries left out, each as `name: why`. */
  refused: string[];
}

interface Planned {
  index: number;
  name: string;
  path: string;
  size: number;
}

/**
 * Writes a run's artifact into its experiment's folder as a local run lays it out (see
 * artifactPath), after removing what an earlier run of the experiment left there. Entries that
 * would escape the folder, symbolic links and anything over the limits are refused, never
 * written; no link is ever created or followed. result.json is written last, so a folder that
 * has one holds the whole artifact.
 */
export async function unpackArtifact(
  zip: Uint8Array,
  dir: string,
  limits: ArtifactLimits = ARTIFACT_LIMITS,
): Promise<UnpackReport> {
  const { planned, refused } = plan(zip, limits);
  await realFolder(dir, true);
  for (const old of ["out", "run.log", "result.json"])
    await rm(join(dir, old), { recursive: true, force: true });
  const last = (p: Planned) => (p.path === "result.json" ? 1 : 0);
  const ordered = [...planned].sort((a, b) => last(a) - last(b) || a.index - b.index);
  const written: string[] = [];
  for (const batch of batches(ordered)) {
    const wanted = new Set(batch.map((p) => p.index));
    let at = -1;
    const files = unzipSync(zip, { filter: () => wanted.has(++at) });
    for (const p of batch) {
      try {
        await writeInside(dir, p.path, files[p.name] ?? new Uint8Array());
        written.push(p.path);
      } catch (error) {
        refused.push(`${p.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { written, refused };
}

function plan(zip: Uint8Array, limits: ArtifactLimits) {
  const links = zipLinkFlags(zip);
  const entries: UnzipFileInfo[] = [];
  unzipSync(zip, {
    filter: (file) => {
      entries.push(file);
      return false;
    },
  });
  const planned: Planned[] = [];
  const refused: string[] = [];
  const paths = new Set<string>();
  let total = 0;
  // The result and the log come first: over a limit, traces are what is left out.
  const rank = (e: UnzipFileInfo) => (e.name === "result.json" || e.name === "run.log" ? 0 : 1);
  const ordered = [...entries.entries()].sort(([i, a], [j, b]) => rank(a) - rank(b) || i - j);
  for (const [index, e] of ordered) {
    // A folder entry: folders are made as the files in them need them.
    if (e.name.endsWith("/") && !links?.[index]) continue;
    const place = artifactPath(e.name);
    const twice =
      place.ok && paths.has(place.path) ? `a second entry for ${place.path}` : undefined;
    const why = place.ok
      ? (refusal(e, links?.[index] ?? false, limits, total, planned.length) ?? twice)
      : place.why;
    if (!place.ok || why !== undefined) {
      refused.push(`${e.name}: ${why}`);
      continue;
    }
    paths.add(place.path);
    planned.push({ index, name: e.name, path: place.path, size: e.originalSize });
    total += e.originalSize;
  }
  return { planned: planned.sort((a, b) => a.index - b.index), refused };
}

function refusal(
  e: UnzipFileInfo,
  link: boolean,
  limits: ArtifactLimits,
  total: number,
  files: number,
): string | undefined {
  if (link) return "a symbolic link";
  if (e.compression !== 0 && e.compression !== 8)
    return `compressed with method ${e.compression}, which autoopt does not read`;
  if (e.originalSize > limits.maxFileBytes)
    return `${e.originalSize} bytes, more than the ${limits.maxFileBytes} kept of one file`;
  if (total + e.originalSize > limits.maxTotalBytes)
    return `over the ${limits.maxTotalBytes} bytes kept of one run's artifact`;
  if (files >= limits.maxFiles) return `more than the ${limits.maxFiles} files kept of one run`;
  return undefined;
}

function* batches(planned: readonly Planned[]): Generator<Planned[]> {
  let batch: Planned[] = [];
  let bytes = 0;
  for (const p of planned) {
    if (batch.length > 0 && bytes + p.size > BATCH_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(p);
    bytes += p.size;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Writes `bytes` at `rel` under `root`: every folder on the way must be a real folder (not a
 * link), and the file is written under a fresh temporary name, then renamed over the target,
 * which replaces a link there rather than writing through it.
 */
async function writeInside(root: string, rel: string, bytes: Uint8Array): Promise<void> {
  const segments = rel.split("/");
  let folder = root;
  for (const name of segments.slice(0, -1)) {
    folder = join(folder, name);
    await realFolder(folder, false);
  }
  const target = join(folder, segments.at(-1) ?? "");
  const temporary = `${target}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await open(temporary, flags, 0o644);
  try {
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
  await rename(temporary, target);
}

/** Makes the folder if it is missing; throws unless it is a real folder. */
async function realFolder(path: string, recursive: boolean): Promise<void> {
  await mkdir(path, { recursive }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  if (!(await lstat(path)).isDirectory())
    throw new Error(`${path} is not a folder (a link or a file is in the way)`);
}
