import { constants } from "node:fs";
import { type FileHandle, lstat, open, readdir } from "node:fs/promises";
import { join } from "node:path";

/** The files of an experiment that full-text search covers, and how much of each. */
export const DOCUMENT_FILES = ["proposal.json", "diff.patch", "run.log"] as const;
export const DOCUMENT_CAP = 256 * 1024;
/** Per-task rows kept per experiment, and the size of each row's raw JSON. */
const MAX_TASKS = 10_000;
const TASK_DATA_CAP = 64 * 1024;

export interface IndexedDocument {
  path: string;
  content: string;
}

export interface TaskRow {
  task_id: string;
  score: number | null;
  data: string;
}

export interface ExperimentDocuments {
  documents: IndexedDocument[];
  tasks: TaskRow[];
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
  if (hidden(folder) || !(await isRealDirectory(join(sessionDir, folder))))
    return { documents: [], tasks: [] };
  const documents: IndexedDocument[] = [];
  for (const name of DOCUMENT_FILES) {
    const path = `${folder}/${name}`;
    if (hidden(path)) continue;
    const content = await readCapped(join(sessionDir, path), cap);
    if (content !== undefined) documents.push({ path, content });
  }
  const tasks = await readTraceTasks(sessionDir, `${folder}/out/traces`, hidden);
  return { documents, tasks };
}

async function isRealDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function openNoFollow(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
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

/** One row per task from the harness's `out/traces/*.jsonl` (one JSON object per line). */
async function readTraceTasks(
  sessionDir: string,
  folder: string,
  hidden: (relativePath: string) => boolean,
): Promise<TaskRow[]> {
  if (hidden(folder) || !(await isRealDirectory(join(sessionDir, folder)))) return [];
  const names = (await readdir(join(sessionDir, folder))).filter((n) => n.endsWith(".jsonl"));
  const tasks: TaskRow[] = [];
  for (const name of names.sort()) {
    if (hidden(`${folder}/${name}`)) continue;
    const handle = await openNoFollow(join(sessionDir, folder, name));
    if (!handle) continue;
    try {
      for await (const line of handle.readLines({ autoClose: false })) {
        const row = taskRow(line);
        if (row) tasks.push(row);
        if (tasks.length >= MAX_TASKS) return tasks;
      }
    } finally {
      await handle.close();
    }
  }
  return tasks;
}

function taskRow(line: string): TaskRow | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || !("task_id" in parsed)) return undefined;
  const id = parsed.task_id;
  if (typeof id !== "string" && typeof id !== "number") return undefined;
  const score = "score" in parsed && typeof parsed.score === "number" ? parsed.score : null;
  const data = line.length > TASK_DATA_CAP ? `${line.slice(0, TASK_DATA_CAP)}…` : line;
  return { task_id: String(id), score, data };
}
