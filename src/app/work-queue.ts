import type { AppLog } from "./app-log.ts";

export interface WorkQueueOptions {
  /** Tasks running at once, across keys; the rest wait their turn. */
  concurrency?: number;
}

/**
 * Work that must not hold up a webhook's answer. Probot's middleware answers GitHub only after
 * every handler has settled, and GitHub gives up at 10 s, so handlers enqueue here and return.
 * Tasks with the same key run one after another, in arrival order (a `start` and the `stop` typed
 * right after it on one issue must not overtake each other); different keys run side by side, up
 * to `concurrency` at once, so that a burst of deliveries cannot flood the event loop (and
 * GitHub, which asks integrations not to send many requests at once) with its follow-up calls.
 */
export class WorkQueue {
  readonly #log: AppLog;
  readonly #concurrency: number;
  readonly #tails = new Map<string, Promise<void>>();
  readonly #pending = new Set<Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(log: AppLog, options: WorkQueueOptions = {}) {
    this.#log = log;
    this.#concurrency = options.concurrency ?? 16;
  }

  /** Starts `task` once earlier tasks of `key` have finished. A failure is logged, never thrown. */
  run(key: string, task: () => Promise<void>): void {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.#slot())
      .then(async () => {
        try {
          await task();
        } finally {
          this.#release();
        }
      })
      .catch((error: unknown) => {
        this.#log.error({ err: error, key }, "background task failed");
      });
    this.#tails.set(key, next);
    this.#pending.add(next);
    void next.then(() => {
      this.#pending.delete(next);
      if (this.#tails.get(key) === next) this.#tails.delete(key);
    });
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.#pending.size;
  }

  /** Resolves when nothing is queued or running, including tasks queued meanwhile. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** A running slot, on a later turn of the event loop so that the webhook's answer goes first. */
  async #slot(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#running < this.#concurrency) {
      this.#running += 1;
      return;
    }
    // The slot passes straight from #release to the waiter, so #running stays counted.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter();
    else this.#running -= 1;
  }
}
