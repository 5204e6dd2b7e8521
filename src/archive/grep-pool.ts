import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { SearchTarget } from "./grep-reader.ts";
import type { FileResult } from "./grep-search.ts";

/** Main thread → worker: files to search (on disk, already resolved and checked). */
export interface GrepJob {
  id: number;
  source: string;
  flags: string;
  maxMatches: number;
  deadline: number;
  files: SearchTarget[];
}

export type GrepReply = { id: number; results: FileResult[] } | { id: number; error: string };

interface Slot {
  worker: Worker;
  job?: { id: number; resolve: (r: FileResult[]) => void; reject: (e: Error) => void };
}

const WORKER_FILE = new URL("./grep-worker.ts", import.meta.url);
const MAX_WORKERS = 4;

/**
 * Worker threads that search files in parallel, one per core (at most four), started on first
 * use and kept for later searches; idle, they do not keep the process alive. A worker that
 * fails is not replaced: searches then run on the main thread, as on a one-core machine.
 */
export class GrepPool {
  private static instance: GrepPool | null | undefined;
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: { run: (slot: Slot) => void; reject: (e: Error) => void }[] = [];
  private nextId = 1;
  private broken = false;

  private constructor(size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  /** The process's pool, or undefined where one core would search as fast. */
  static shared(): GrepPool | undefined {
    if (GrepPool.instance === undefined) {
      const cores = Math.min(MAX_WORKERS, availableParallelism());
      try {
        GrepPool.instance = cores >= 2 ? new GrepPool(cores) : null;
      } catch {
        GrepPool.instance = null;
      }
    }
    return GrepPool.instance?.broken ? undefined : (GrepPool.instance ?? undefined);
  }

  search(
    files: readonly SearchTarget[],
    request: { regex: RegExp; maxMatches: number },
    deadline: number,
  ): Promise<FileResult[]> {
    const job: GrepJob = {
      id: this.nextId++,
      source: request.regex.source,
      flags: request.regex.flags,
      maxMatches: request.maxMatches,
      deadline,
      files: files.map(({ path, disk }) => ({ path, disk: disk ?? "" })),
    };
    return new Promise((resolve, reject) => {
      const run = (slot: Slot) => {
        slot.job = { id: job.id, resolve, reject };
        slot.worker.ref();
        slot.worker.postMessage(job);
      };
      const idle = this.slots.find((s) => !s.job);
      if (this.broken) reject(new Error("the grep workers are gone"));
      else if (idle) run(idle);
      else this.queue.push({ run, reject });
    });
  }

  private start(): Slot {
    const worker = new Worker(WORKER_FILE);
    const slot: Slot = { worker };
    worker.on("message", (reply: GrepReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = undefined;
      if ("error" in reply) job.reject(new Error(reply.error));
      else job.resolve(reply.results);
      const next = this.queue.shift();
      if (next) next.run(slot);
      else worker.unref();
    });
    const fail = (error: Error) => {
      this.broken = true;
      slot.job?.reject(error);
      slot.job = undefined;
      for (const waiting of this.queue.splice(0)) waiting.reject(error);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`a grep worker exited with code ${code}`)));
    // After the listeners: adding a "message" listener refs the worker again, and an idle
    // worker must not keep the process alive.
    worker.unref();
    return slot;
  }
}
