import type { FileHandle } from "node:fs/promises";

/** Tasks indexed per experiment; the rest of its traces stay searchable with grep. */
export const MAX_TASKS = 100_000;
/** Bytes of one task's JSON kept in `tasks.data`; a longer record is stored cut and marked. */
export const TASK_DATA_CAP = 64 * 1024;
/** Lines longer than this are not parsed: task_id and score are looked for in their start. */
const LINE_HOLD = 1024 * 1024;
/** Top-level fields a cut row keeps: each at most this long as JSON, and this much in all. */
const SMALL_FIELD = 1024;
const SMALL_FIELDS_TOTAL = 16 * 1024;
const CHUNK = 1024 * 1024;
/**
 * Rows handed over at once, each batch one transaction: full-text indexing runs at ~15–20 MB/s,
 * so a batch holds the event loop for ~0.1 s; larger batches are barely faster.
 */
export const BATCH_BYTES = 2 * 1024 * 1024;

export interface TaskRow {
  task_id: string;
  score: number | null;
  /** The trace file's path in the archive, and the record's line in it. */
  file: string;
  line: number;
  data: string;
}

/** Receives rows in batches, each batch taken before the next line is read. */
export type TaskSink = (rows: TaskRow[]) => void;

/**
 * Reads one trace file a chunk at a time and hands its records over in batches, so neither the
 * file nor an experiment's tasks are ever held whole. Lines that are not a JSON object with a
 * task_id are skipped (a train-mode run's traces are not checked by the runner).
 */
export async function readTaskFile(
  handle: FileHandle,
  file: string,
  room: number,
  sink: TaskSink,
): Promise<number> {
  let left = room;
  let batch: TaskRow[] = [];
  let batchBytes = 0;
  let line = 0;
  const hand = () => {
    if (batch.length > 0) sink(batch);
    left -= batch.length;
    batch = [];
    batchBytes = 0;
  };
  const splitter = new LineSplitter((bytes, length) => {
    line++;
    const row = taskRow(bytes, length, file, line);
    if (!row) return true;
    batch.push(row);
    batchBytes += row.data.length;
    if (batch.length >= left || batchBytes >= BATCH_BYTES) hand();
    return left > 0;
  });
  for (;;) {
    // A fresh buffer per chunk: the pieces of a line in progress point into it.
    const chunk = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
    if (bytesRead === 0) splitter.end();
    if (bytesRead === 0 || !splitter.push(chunk.subarray(0, bytesRead))) break;
  }
  hand();
  return room - left;
}

/** Splits bytes into lines, keeping at most LINE_HOLD bytes of each. */
class LineSplitter {
  private pieces: Buffer[] = [];
  private held = 0;
  private length = 0;
  private readonly onLine: (bytes: Buffer, length: number) => boolean;

  constructor(onLine: (bytes: Buffer, length: number) => boolean) {
    this.onLine = onLine;
  }

  /** Takes the next chunk (a buffer of its own); false once the receiver wants no more. */
  push(chunk: Buffer): boolean {
    for (let start = 0; ; ) {
      const newline = chunk.indexOf(10, start);
      this.add(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) return true;
      if (!this.flush()) return false;
      start = newline + 1;
    }
  }

  /** Ends a last line without a newline. */
  end(): boolean {
    return this.length === 0 || this.flush();
  }

  private add(piece: Buffer): void {
    if (this.held < LINE_HOLD) {
      const kept = piece.subarray(0, LINE_HOLD - this.held);
      this.pieces.push(kept);
      this.held += kept.length;
    }
    this.length += piece.length;
  }

  private flush(): boolean {
    const pieces = this.pieces;
    const bytes = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
    const length = this.length;
    this.pieces = [];
    this.held = 0;
    this.length = 0;
    return this.onLine(bytes, length);
  }
}

function taskRow(bytes: Buffer, length: number, file: string, line: number): TaskRow | undefined {
  if (length > LINE_HOLD) return headRow(bytes.toString("utf8"), length, file, line);
  let text = bytes.toString("utf8");
  if (text.endsWith("\r")) text = text.slice(0, -1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const id = taskId(record.task_id);
  if (id === undefined) return undefined;
  const data = length <= TASK_DATA_CAP ? text : cutData(record, length, text);
  return { task_id: id, score: score(record.score), file, line, data };
}

function taskId(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
}

function score(value: unknown): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * A row for a record over TASK_DATA_CAP, still valid JSON so json_extract works on every row:
 * its small top-level fields and `"truncated": {"bytes": <line length>, "head": <its start>}`,
 * the same mark the runner gives records it cuts.
 */
function cutData(record: Record<string, unknown>, length: number, text: string): string {
  const small: Record<string, unknown> = {};
  let total = 0;
  for (const [key, value] of Object.entries(record)) {
    const json = JSON.stringify(value);
    if (key === "truncated" || json === undefined || json.length > SMALL_FIELD) continue;
    total += key.length + json.length;
    if (total > SMALL_FIELDS_TOTAL) break;
    small[key] = value;
  }
  let head = Math.min(text.length, TASK_DATA_CAP);
  for (;;) {
    const truncated = { bytes: length, head: text.slice(0, head) };
    const data = JSON.stringify({ ...small, truncated });
    const over = Buffer.byteLength(data) - TASK_DATA_CAP;
    if (over <= 0 || head === 0) return data;
    head = Math.max(0, head - Math.max(over, 64));
  }
}

const HEAD_ID = /"task_id"\s*:\s*("(?:[^"\\\n]|\\.){1,1024}"|-?\d{1,20})/;
const HEAD_SCORE = /"score"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false)/;

/** A line too long to parse: task_id and score from its start, where harnesses put them. */
function headRow(head: string, length: number, file: string, line: number): TaskRow | undefined {
  const id = taskId(parseOr(HEAD_ID.exec(head)?.[1]));
  if (id === undefined) return undefined;
  const value = score(parseOr(HEAD_SCORE.exec(head)?.[1]));
  const fields = { task_id: id, ...(value === null ? {} : { score: value }) };
  return { task_id: id, score: value, file, line, data: cutData(fields, length, head) };
}

function parseOr(json: string | undefined): unknown {
  try {
    return json === undefined ? undefined : JSON.parse(json);
  } catch {
    return undefined;
  }
}
