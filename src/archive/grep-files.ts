import { setImmediate } from "node:timers/promises";
import { count, OUTPUT_CAP } from "./format.ts";
import { type GrepPlan, grepPlan } from "./grep-plan.ts";
import { GrepPool } from "./grep-pool.ts";
import { FileReader, searchBatch } from "./grep-reader.ts";
import type { FileResult } from "./grep-search.ts";
import type { FileNode, VirtualFs } from "./virtual-fs.ts";

/** Bytes searched between two yields to the event loop, so a long search does not stall it. */
const YIELD_EVERY = 8 * 1024 * 1024;
const TIME_LIMIT_MS = 10_000;
/** Files go to worker threads in batches of about this many bytes (or BATCH_FILES files). */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_FILES = 64;
/** A search this large so far goes on in parallel; a smaller one is not worth the hand-off. */
const PARALLEL_AFTER = 8 * 1024 * 1024;

export interface GrepRequest {
  regex: RegExp;
  maxMatches: number;
}

interface Batch {
  files: FileNode[];
  bytes: number;
  /** Set when the batch went to a worker; otherwise it is searched here when its turn comes. */
  done?: Promise<FileResult[] | undefined>;
}

/**
 * Searches files for matching lines, in file order. Large searches are split into batches
 * searched by worker threads, while the answer is assembled here in order, so it is the same
 * as a search one file after another, and it stops as soon as it is full.
 */
export async function grepFiles(
  fs: VirtualFs,
  files: Iterable<FileNode>,
  request: GrepRequest,
): Promise<string> {
  const s = new Search(request);
  const pool = GrepPool.shared();
  const pending: Batch[] = [];
  const source = batches(fs, files)[Symbol.iterator]();
  const reader = new FileReader();
  let seenBytes = 0;
  for (;;) {
    while (pending.length < (pool ? 2 * pool.size : 1)) {
      const next = source.next();
      if (next.done) break;
      const batch = next.value;
      if (pool && seenBytes > PARALLEL_AFTER && batch.files.every((f) => f.disk !== undefined))
        // A worker that fails leaves its batch to this thread.
        batch.done = pool.search(batch.files, request, s.deadline).catch(() => undefined);
      seenBytes += batch.bytes;
      pending.push(batch);
    }
    const batch = pending.shift();
    if (!batch) break;
    const results =
      (await batch.done) ??
      searchBatch(batch.files, s.plan, request.maxMatches, reader, s.deadline);
    s.merge(batch.files, results);
    if (!batch.done) await s.pace(batch.bytes);
    if (s.stop) break;
  }
  return s.summary(request);
}

/** Files grouped for hand-off; the candidate's in-memory files always stay here. */
function* batches(fs: VirtualFs, files: Iterable<FileNode>): Generator<Batch> {
  let batch: Batch = { files: [], bytes: 0 };
  for (const file of files) {
    batch.files.push(file);
    batch.bytes += fs.size(file);
    if (batch.bytes >= BATCH_BYTES || batch.files.length >= BATCH_FILES || file.text) {
      yield batch;
      batch = { files: [], bytes: 0 };
    }
  }
  if (batch.files.length > 0) yield batch;
}

/** The answer being assembled: lines in file order, counts, and why it stopped early. */
class Search {
  readonly plan: GrepPlan;
  /** When the search must stop, in Date.now() time (the same in every thread). */
  readonly deadline = Date.now() + TIME_LIMIT_MS;
  private readonly maxMatches: number;
  private readonly out: string[] = [];
  private chars = 0;
  private files = 0;
  private filesWithHits = 0;
  private binary = 0;
  private longLines = 0;
  private sinceYield = 0;
  stop: string | undefined;

  constructor(request: GrepRequest) {
    this.plan = grepPlan(request.regex);
    this.maxMatches = request.maxMatches;
  }

  merge(files: readonly FileNode[], results: readonly FileResult[]): void {
    for (const [i, result] of results.entries()) {
      const path = files[i]?.path ?? "";
      this.files++;
      if (result.binary) this.binary++;
      if (result.longLine) this.longLines++;
      if (result.lines.length > 0) this.filesWithHits++;
      for (const line of result.lines) {
        this.out.push(line);
        this.chars += line.length + 1;
        if (this.out.length >= this.maxMatches)
          this.stop = `stopped at ${count(this.maxMatches)} matching lines; more may follow: raise max_matches (up to 1,000) or narrow with path or glob`;
        else if (this.chars > OUTPUT_CAP - 400)
          this.stop = `stopped at ${count(this.out.length)} matching lines, the most one answer holds; narrow with path or glob`;
        if (this.stop) return;
      }
      if (result.late || Date.now() > this.deadline) {
        this.stop = `stopped after ${TIME_LIMIT_MS / 1000} s at ${path}; narrow with path or glob`;
        return;
      }
    }
  }

  /** Lets the event loop run now and then while this thread searches. */
  async pace(bytes: number): Promise<void> {
    this.sinceYield += bytes;
    if (this.sinceYield <= YIELD_EVERY) return;
    this.sinceYield = 0;
    await setImmediate();
  }

  summary(request: GrepRequest): string {
    const skipped = [
      this.binary ? `${count(this.binary)} binary file${this.binary === 1 ? "" : "s"}` : "",
      this.longLines
        ? `the rest of ${count(this.longLines)} file${this.longLines === 1 ? "" : "s"} after a line over 64 MiB`
        : "",
    ].filter(Boolean);
    const notes = skipped.length ? [`[skipped ${skipped.join(" and ")}]`] : [];
    if (this.out.length === 0)
      return [
        `no matches for /${request.regex.source}/ in ${count(this.files)} files`,
        ...notes,
      ].join("\n");
    const end = this.stop
      ? `[${this.stop}]`
      : `[${count(this.out.length)} matching lines in ${count(this.filesWithHits)} of ${count(this.files)} files searched]`;
    return [...this.out, end, ...notes].join("\n");
  }
}
