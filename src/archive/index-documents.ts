import { constants } from "node:fs";
import { type FileHandle, lstat, open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { isHardLink } from "./hard-link.ts";
import { MAX_TASKS, readTaskFile, type TaskSink } from "./trace-tasks.ts";

/** The files of an experiment that full-text search covers, and how much of each. */
export const DOCUMENT_FILES = ["proposal.json", "diff.patch", "run.log"] as const;
export const DOCUMENT_CAP = 256 * 1024;

export interface IndexedDocument {
  path: string;
  content: string;
}

export interface ExperimentDocuments {
  documents: IndexedDocument[];
}

/**
 * Reads what the index keeps of one experiment. Symbolic links are never followed: whatever the
 * index holds, the sql tool shows, so it must not reach outside the session folder.
 */
export async function readExperimentDocuments(
  sessionDir: string,
  id: number,
  hidden: (relativePath: string) => boolean,
  cap = DOCUMENT_CAP,
): Promise<ExperimentDocuments> {
  const folder = `exp-${id}`;
  if (!(await isRealFolder(sessionDir, [folder], hidden))) return { documents: [] };
  const documents: IndexedDocument[] = [];
  for (const name of DOCUMENT_FILES) {
    const path = `${folder}/${name}`;
    if (hidden(path)) continue;
    const content = await readCapped(join(sessionDir, path), cap);
    if (content !== undefined) documents.push({ path, content });
  }
  return { documents };
}

/**
 * Hands an experiment's per-task records from `out/traces/*.jsonl` to `sink` in batches, at
 * most MAX_TASKS of them; returns how many. Same rules as the documents: no link is followed,
 * at any depth, so a link into a hidden folder (held-out results) leads nowhere.
 */
export async function readExperimentTasks(
  sessionDir: string,
  id: number,
  hidden: (relativePath: string) => boolean,
  sink: TaskSink,
): Promise<number> {
  const segments = [`exp-${id}`, "out", "traces"];
  if (!(await isRealFolder(sessionDir, segments, hidden))) return 0;
  const folder = segments.join("/");
  const names = (await readdir(join(sessionDir, folder))).filter((n) => n.endsWith(".jsonl"));
  let count = 0;
  for (const name of names.sort()) {
    const path = `${folder}/${name}`;
    if (count >= MAX_TASKS || hidden(path)) continue;
    const handle = await openNoFollow(join(sessionDir, path));
    if (!handle) continue;
    try {
      count += await readTaskFile(handle, path, MAX_TASKS - count, sink);
    } finally {
      await handle.close();
    }
  }
  return count;
}

/** Whether each folder on the path is a real folder (not a link) and none is hidden. */
async function isRealFolder(
  sessionDir: string,
  segments: readonly string[],
  hidden: (relativePath: string) => boolean,
): Promise<boolean> {
  for (let i = 1; i <= segments.length; i++) {
    const path = segments.slice(0, i).join("/");
    if (hidden(path)) return false;
    try {
      if (!(await lstat(join(sessionDir, path))).isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** A regular file, opened without following a link (hard links included) or blocking on a FIFO. */
async function openNoFollow(path: string): Promise<FileHandle | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (stat.isFile() && !isHardLink(stat)) return handle;
  } catch {
    // gone, a link, or unreadable: nothing to index
  }
  await handle?.close();
  return undefined;
}

/**
 * The file's text, or its head and tail when longer than `cap`: a run's start shows its
 * settings and its end shows the summary or the crash, while the middle is mostly steps.
 */
export async function readCapped(path: string, cap: number): Promise<string | undefined> {
  const handle = await openNoFollow(path);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    if (size <= cap) return clean((await handle.readFile()).toString("utf8"));
    const half = Math.floor(cap / 2);
    const head = Buffer.alloc(half);
    const tail = Buffer.alloc(half);
    await handle.read(head, 0, half, 0);
    await handle.read(tail, 0, half, size - half);
    const skipped = `\n[… ${size - 2 * half} bytes not indexed; read the file for them …]\n`;
    return clean(`${head.toString("utf8")}${skipped}${tail.toString("utf8")}`);
  } finally {
    await handle.close();
  }
}

/** NUL bytes would end the text early for SQLite's tokenizer. */
function clean(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", " ") : text;
}
