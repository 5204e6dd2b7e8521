import { constants } from "node:fs";
import { type FileHandle, lstat, open, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { TraceSummary } from "../core/result.ts";
import { cutRecord, RecordScanner } from "./cut-record.ts";
import { TraceRewrite } from "./trace-rewrite.ts";

/** Records longer than this many bytes are rewritten in a cut, marked form. */
export const TRACE_RECORD_CAP = 256 * 1024;
/** A task_id is an identifier; one longer than this is refused. */
const TASK_ID_CAP = 1024;
const CHUNK = 1024 * 1024;
const EXAMPLE = '{"task_id": "q-17", "prompt": "…", "output": "…", "expected": "…", "score": 1}';
const HOW = `write one JSON object per task, one per line, to $AUTOOPT_OUT/traces/<name>.jsonl, e.g. ${EXAMPLE}`;

export type TraceCheck = { ok: true; summary: TraceSummary } | { ok: false; reason: string };

/**
 * The harness-mode contract on `$AUTOOPT_OUT/traces/*.jsonl`: at least one record, every line
 * blank or a JSON object with a task_id unique in the run. Files are streamed a chunk at a time;
 * a record over TRACE_RECORD_CAP is never held whole, and its file is rewritten with it cut.
 */
export async function checkTraces(outDir: string): Promise<TraceCheck> {
  const folder = join(outDir, "traces");
  const names = await traceFiles(folder);
  if (typeof names === "string") return { ok: false, reason: names };
  const seen = new Map<string, string>();
  const summary: TraceSummary = { files: names.length, tasks: 0, bytes: 0, truncated: 0 };
  for (const name of names) {
    const label = `$AUTOOPT_OUT/traces/${name}`;
    let file: FileOutcome;
    try {
      file = await new TraceFile(join(folder, name), label, seen).check();
    } catch (e) {
      file = { ok: false, reason: `cannot check ${label}: ${(e as Error).message}` };
    }
    if (!file.ok) return file;
    summary.tasks += file.tasks;
    summary.bytes += file.bytes;
    summary.truncated += file.truncated;
  }
  if (summary.tasks === 0)
    return {
      ok: false,
      reason: `the run's trace files (${names.join(", ")}) hold no records: ${HOW}`,
    };
  return { ok: true, summary };
}

/** The `.jsonl` names in the traces folder, sorted, or why there are none. */
async function traceFiles(folder: string): Promise<string[] | string> {
  const missing = `harness mode needs per-task traces, and the run wrote no $AUTOOPT_OUT/traces folder: ${HOW}`;
  try {
    if (!(await lstat(folder)).isDirectory())
      return `$AUTOOPT_OUT/traces is not a folder (a file or a symbolic link): ${HOW}`;
  } catch {
    return missing;
  }
  const names = (await readdir(folder)).filter((n) => n.endsWith(".jsonl")).sort();
  if (names.length === 0) return `$AUTOOPT_OUT/traces holds no .jsonl file: ${HOW}`;
  return names;
}

type FileOutcome =
  | { ok: true; tasks: number; bytes: number; truncated: number }
  | { ok: false; reason: string };

/** One trace file, split into lines by bytes, so no line is decoded past the cap. */
class TraceFile {
  private readonly path: string;
  private readonly label: string;
  private readonly seen: Map<string, string>;
  private handle: FileHandle | undefined;
  private rewrite: TraceRewrite | undefined;
  private line = 0;
  /** Where the current line starts in the file. */
  private offset = 0;
  private pieces: Buffer[] = [];
  private lineBytes = 0;
  private scanner: RecordScanner | undefined;
  private tasks = 0;
  private truncated = 0;

  constructor(path: string, label: string, seen: Map<string, string>) {
    this.path = path;
    this.label = label;
    this.seen = seen;
  }

  async check(): Promise<FileOutcome> {
    // No link is followed and a FIFO cannot block the runner.
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    this.handle = await open(this.path, flags).catch(() => undefined);
    if (!this.handle || !(await this.handle.stat()).isFile()) {
      await this.handle?.close();
      return { ok: false, reason: `${this.label} is not a regular file: ${HOW}` };
    }
    try {
      const failure = await this.readLines(this.handle);
      if (failure !== undefined) {
        await this.rewrite?.abandon();
        return { ok: false, reason: failure };
      }
      const bytes = this.rewrite ? await this.rewrite.commit() : this.offset;
      return { ok: true, tasks: this.tasks, bytes, truncated: this.truncated };
    } finally {
      await this.handle.close();
    }
  }

  /** Reads the file to its end; returns why a line breaks the contract, if one does. */
  private async readLines(handle: FileHandle): Promise<string | undefined> {
    for (;;) {
      // A fresh buffer per chunk: the pieces of a line in progress point into it.
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const bytes = chunk.subarray(0, bytesRead);
      for (let start = 0; ; ) {
        const newline = bytes.indexOf(10, start);
        this.add(bytes.subarray(start, newline === -1 ? bytes.length : newline));
        if (newline === -1) break;
        const failure = await this.endLine(1);
        if (failure !== undefined) return failure;
        start = newline + 1;
      }
    }
    return this.lineBytes > 0 ? this.endLine(0) : undefined;
  }

  private add(piece: Buffer): void {
    this.lineBytes += piece.length;
    if (this.scanner) {
      this.scanner.feed(piece);
      return;
    }
    this.pieces.push(piece);
    if (this.lineBytes <= TRACE_RECORD_CAP) return;
    this.scanner = new RecordScanner();
    for (const held of this.pieces) this.scanner.feed(held);
    this.pieces = [];
  }

  private async endLine(newline: number): Promise<string | undefined> {
    this.line++;
    const start = this.offset;
    const lineBytes = this.lineBytes;
    const { scanner, pieces } = this;
    this.offset += lineBytes + newline;
    this.lineBytes = 0;
    this.pieces = [];
    this.scanner = undefined;
    if (!scanner) {
      const raw = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
      const failure = this.record(raw);
      if (failure === undefined) await this.rewrite?.writeLine(raw);
      return failure;
    }
    const scanned = scanner.finish();
    if (!scanned.ok)
      return this.notJson(`is not a JSON object the runner can read (${scanned.error})`);
    const failure = this.taskId(scanned.fields.get("task_id"), scanned.fields.has("task_id"));
    if (failure !== undefined) return failure;
    this.rewrite ??= await TraceRewrite.start(this.path, this.handle as FileHandle, start);
    await this.rewrite.writeLine(
      Buffer.from(cutRecord(scanned.fields, lineBytes, scanner.headText())),
    );
    this.truncated++;
    return undefined;
  }

  /** Checks a line short enough to parse whole; blank lines are allowed. */
  private record(raw: Buffer): string | undefined {
    const text = raw.toString("utf8");
    if (text.trim() === "") return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return this.notJson(`is not JSON (${(e as Error).message.slice(0, 160)})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return this.notJson(`is ${Array.isArray(parsed) ? "an array" : "not an object"}`);
    return this.taskId((parsed as { task_id?: unknown }).task_id, "task_id" in parsed);
  }

  private taskId(value: unknown, present: boolean): string | undefined {
    const at = `${this.label} line ${this.line}`;
    const fix =
      'give every record a "task_id": a non-empty string or an integer, unique in the run';
    if (!present) return `${at} has no task_id: ${fix}, e.g. ${EXAMPLE}`;
    const id =
      typeof value === "string" && value.trim() !== "" && value.length <= TASK_ID_CAP
        ? value
        : Number.isSafeInteger(value)
          ? String(value)
          : undefined;
    if (id === undefined) {
      const shown = JSON.stringify(value)?.slice(0, 60) ?? String(value);
      return `${at} has task_id ${shown}, which is not an id: ${fix} (at most ${TASK_ID_CAP} characters)`;
    }
    const first = this.seen.get(id);
    if (first !== undefined)
      return `${at} repeats task_id ${JSON.stringify(id).slice(0, 80)}, first written at ${first}: write each task's record once per run, under a task_id no other record has`;
    this.seen.set(id, at);
    this.tasks++;
    return undefined;
  }

  private notJson(problem: string): string {
    return `${this.label} line ${this.line} ${problem}: ${HOW}`;
  }
}
