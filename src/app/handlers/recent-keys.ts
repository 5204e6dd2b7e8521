/**
 * The last `capacity` keys seen. GitHub may deliver a webhook twice (a redelivery keeps its
 * delivery id, and the comment keeps its id); the second must not post a second reply. Kept in
 * memory, for the one process: it spares a redelivery every request, and a restart forgets it.
 */
export class RecentKeys {
  readonly #capacity: number;
  readonly #keys = new Set<string>();

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** True the first time a key is offered, false while it is remembered. */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    // A Set iterates in insertion order, so the first key is the oldest.
    if (this.#keys.size > this.#capacity) {
      for (const oldest of this.#keys) {
        this.#keys.delete(oldest);
        break;
      }
    }
    return true;
  }
}
