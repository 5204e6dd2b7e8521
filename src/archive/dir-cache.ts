import { readdirSync, statSync } from "node:fs";
import { naturalCompare } from "./format.ts";

export interface DirEntry {
  name: string;
  kind: "file" | "dir" | "link";
}

/** Folders kept at most; past this the cache starts over (an archive of ~25k experiments). */
const MAX_FOLDERS = 100_000;
/**
 * Folder timestamps tick coarsely (a few ms on Linux), so a folder changed this recently might
 * change again under the same mtime; its listing is read afresh until it has settled.
 */
const SETTLE_MS = 2_000;

/**
 * Folder listings, sorted, reused while a folder's mtime stays the same: a stat costs about a
 * quarter of a readdir, and a grep over 1,000 experiments walks some 4,000 folders.
 */
export class DirCache {
  private readonly listings = new Map<string, { mtimeMs: number; entries: DirEntry[] }>();

  list(folder: string): DirEntry[] {
    const mtimeMs = statSync(folder).mtimeMs;
    const hit = this.listings.get(folder);
    if (hit && hit.mtimeMs === mtimeMs) return hit.entries;
    const entries: DirEntry[] = [];
    for (const e of readdirSync(folder, { withFileTypes: true })) {
      const kind = e.isFile()
        ? "file"
        : e.isDirectory()
          ? "dir"
          : e.isSymbolicLink()
            ? "link"
            : undefined;
      if (kind) entries.push({ name: e.name, kind });
    }
    entries.sort((a, b) => naturalCompare(a.name, b.name));
    if (Date.now() - mtimeMs > SETTLE_MS) {
      if (this.listings.size >= MAX_FOLDERS) this.listings.clear();
      this.listings.set(folder, { mtimeMs, entries });
    }
    return entries;
  }
}
