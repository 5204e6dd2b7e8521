import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { TaskFacts } from "../core/index.ts";

/** Enough for any task set worth guarding; a larger one is read only this far. */
const MAX_FACTS = 200_000;

/**
 * The task set's ids and expected answers, read from traces already in the session folder: the
 * first experiment that wrote any (every run of a benchmark sees the same tasks) and the
 * held-out runs, whose tasks a candidate must not embed either. Read once, when there is
 * something to read; a session with no traces yet has no facts to guard.
 */
export class TaskFactsReader {
  private readonly sessionDir: string;
  private facts: TaskFacts | undefined;

  constructor(sessionDir: string) {
    this.sessionDir = sessionDir;
  }

  async read(): Promise<TaskFacts> {
    if (this.facts) return this.facts;
    const ids: string[] = [];
    const answers: string[] = [];
    const folders = [
      ...(await firstWithTraces(this.sessionDir)),
      ...(await subfolders(join(this.sessionDir, "heldout"))),
    ];
    for (const folder of folders) await collect(join(folder, "out", "traces"), ids, answers);
    const facts = { ids, answers };
    if (ids.length > 0) this.facts = facts;
    return facts;
  }
}

async function firstWithTraces(sessionDir: string): Promise<string[]> {
  const experiments = (await subfolders(sessionDir))
    .filter((dir) => /\/exp-\d+$/.test(dir))
    .sort((a, b) => number(a) - number(b));
  for (const dir of experiments) {
    if ((await traceFiles(join(dir, "out", "traces"))).length > 0) return [dir];
  }
  return [];
}

async function collect(tracesDir: string, ids: string[], answers: string[]): Promise<void> {
  for (const file of await traceFiles(tracesDir)) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      if (ids.length >= MAX_FACTS) {
        lines.close();
        return;
      }
      const record = parse(line);
      if (!record) continue;
      const id = record.task_id;
      if (typeof id === "string" || typeof id === "number") ids.push(String(id));
      if (typeof record.expected === "string") answers.push(record.expected);
    }
  }
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function traceFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && e.name.endsWith(".jsonl"))
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function number(dir: string): number {
  return Number(/exp-(\d+)$/.exec(dir)?.[1] ?? 0);
}
