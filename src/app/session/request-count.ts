import type { SessionState } from "../../core/index.ts";
import { apiRequests } from "./session-json.ts";

/**
 * The GitHub API requests made for one session: those its ledger recorded before this process
 * began (GitHub can count none after a restart), plus this process's own.
 */
export class RequestCount {
  private made = 0;
  private before: number | undefined;

  /** One request made. */
  add(): void {
    this.made++;
  }

  get total(): number {
    return (this.before ?? 0) + this.made;
  }

  /** A session this process starts: nothing was counted for it before. */
  startedHere(): void {
    this.before = 0;
  }

  /** What the ledger recorded, taken from the first state read. */
  recorded(state: SessionState): void {
    this.before ??= apiRequests(state) ?? 0;
  }
}
