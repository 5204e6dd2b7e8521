/**
 * One promise chain per session: jobs of a session run one at a time, in the order they were
 * queued, while different sessions run side by side. Handlers queue and return; a failed job
 * is reported and never blocks the jobs queued after it.
 */
export class SessionQueue {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly onError: (key: string, error: unknown) => void;

  constructor(onError: (key: string, error: unknown) => void) {
    this.onError = onError;
  }

  /** Queues `job` behind the key's earlier jobs and resolves with its result. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const before = this.chains.get(key) ?? Promise.resolve();
    const result = before.then(job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return result;
  }

  /** Queues `job` and returns at once; its failure goes to `onError`. */
  enqueue(key: string, job: () => Promise<void>): void {
    this.run(key, job).catch((error: unknown) => this.onError(key, error));
  }

  /** Resolves once every queue is empty, including jobs queued while waiting. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }
}
