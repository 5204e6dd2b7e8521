import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/** Bytes a folder takes on disk (allocated blocks, so a sparse file counts as what it uses). */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(dir, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue;
    total += info.blocks * 512;
    if (info.isDirectory()) total += await diskUsage(path);
  }
  return total;
}

const POLL_MS = 1000;

/**
 * Watches `dir` while a run writes to it and calls `onExceeded` once when it passes `limit`
 * bytes, so that a run cannot fill the disk before its budget ends. Returns a stop function.
 */
export function watchSize(
  dir: string,
  limit: number,
  onExceeded: (bytes: number) => void,
): () => void {
  let stopped = false;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || stopped) return;
    busy = true;
    const bytes = await diskUsage(dir);
    busy = false;
    if (!stopped && bytes > limit) {
      stopped = true;
      clearInterval(timer);
      onExceeded(bytes);
    }
  }, POLL_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
