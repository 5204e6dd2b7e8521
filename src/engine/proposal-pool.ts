import type { MadeProposal } from "./draft.ts";

/**
 * The proposals a driver has in hand and not recorded yet: those being made (each by a negative
 * key, claimed by a free slot or made ahead for the next one), and those made and waiting for a
 * slot (made ahead, or made for a plan that lost the ledger's compare-and-swap). A claimed one
 * holds its slot until it is recorded; one made ahead holds none.
 */
export class ProposalPool {
  private readonly waiting: MadeProposal[] = [];
  private readonly making = new Map<number, { claimed: boolean }>();
  private last = 0;

  /** Proposals in hand for no slot yet: waiting, or being made ahead. */
  get unclaimed(): number {
    let n = this.waiting.length;
    for (const m of this.making.values()) if (!m.claimed) n++;
    return n;
  }

  /** Keys of the proposals being made for a slot: the core counts them as experiments set up. */
  claimed(): number[] {
    return [...this.making].filter(([, m]) => m.claimed).map(([key]) => key);
  }

  /** A key for one about to be made (opened once its slot's step is written). */
  reserve(): number {
    return --this.last;
  }

  /** Starts keeping track of one being made; returns its key. */
  open(claimed: boolean, key = this.reserve()): number {
    this.making.set(key, { claimed });
    return key;
  }

  isClaimed(key: number): boolean {
    return this.making.get(key)?.claimed === true;
  }

  /** Claims one being made ahead for a slot that is free now; its key, if any. */
  claim(): number | undefined {
    for (const [key, m] of this.making)
      if (!m.claimed) {
        m.claimed = true;
        return key;
      }
    return undefined;
  }

  /** The one being made is done (recorded, waiting, or dropped). */
  close(key: number): void {
    this.making.delete(key);
  }

  add(...made: MadeProposal[]): void {
    this.waiting.push(...made);
  }

  /** A waiting proposal for a free slot: the oldest made on `ratchet`, else the oldest. */
  take(ratchet: string): MadeProposal | undefined {
    const i = this.waiting.findIndex((p) => p.parent === ratchet);
    return this.waiting.splice(Math.max(i, 0), 1)[0];
  }

  /** Empties the waiting ones (the session is over). */
  drain(): MadeProposal[] {
    return this.waiting.splice(0);
  }
}
