import type { LedgerEvent } from "../core/index.ts";
import type { LedgerFile } from "./ledger-file.ts";
import { LedgerSeal } from "./ledger-seal.ts";
import type { LedgerStore } from "./ports.ts";

/**
 * A local session's ledger file as the driver's store. The session lock makes this process its
 * only writer, so every append lands; the seal checks before each one that nothing else wrote
 * to the file (a run that reached the session folder), and stops the session if something did.
 */
export class LocalLedgerStore implements LedgerStore {
  private readonly ledger: LedgerFile;
  private readonly seal: LedgerSeal;
  private readonly clock: () => number;

  constructor(ledger: LedgerFile, clock: () => number) {
    this.ledger = ledger;
    this.seal = new LedgerSeal(ledger.path);
    this.clock = clock;
  }

  /** Takes the file as it is now as what this process has written so far. */
  open(): Promise<void> {
    return this.seal.open();
  }

  async load(): Promise<LedgerEvent[]> {
    return (await this.ledger.load()).events;
  }

  async append(events: readonly LedgerEvent[]): Promise<boolean> {
    for (const event of events) {
      await this.seal.check(this.clock());
      this.seal.extend(await this.ledger.append(event));
    }
    return true;
  }
}
