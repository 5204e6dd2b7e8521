import type { SessionState } from "../../core/index.ts";

/**
 * How long the status comment may lag behind the ledger while only discards and crashes
 * happened: a session that finishes experiments faster than this edits it at most once per
 * interval (a keep, the session's end and `/autoopt status` still show at once).
 */
export const STATUS_EVERY_MS = 60_000;

/**
 * What the reports of one session remember between jobs in this process: whether the promotion
 * pull request is due for a refresh, what the status comment last said and when, and the last
 * failure told on the issue (so that a repeating one is not posted again). Lost with a restart,
 * which only makes the next job report once more.
 */
export class ReportMemory {
  /** A change was kept during the current job: the promotion PR is refreshed at its end. */
  keptNow = false;
  /** The promotion's evidence changed otherwise (held-out runs): refreshed at the job's end too. */
  promotionStale = false;
  /** The last failure reported on the issue. */
  lastFailure: string | undefined;
  private status: { body: string; at: number; keeps: number; stopped: boolean } | undefined;

  /**
   * Whether the status comment should be edited to `body` now: never to what it already says;
   * at once after a keep or the session's stop, or when `force`d; otherwise once
   * STATUS_EVERY_MS have passed since the last edit.
   */
  statusDue(body: string, state: SessionState, now: number, force: boolean): boolean {
    const last = this.status;
    if (last === undefined) return true;
    if (body === last.body) return false;
    if (force || keeps(state) !== last.keeps || (state.stopped !== undefined) !== last.stopped)
      return true;
    return now - last.at >= STATUS_EVERY_MS;
  }

  statusWritten(body: string, state: SessionState, now: number): void {
    this.status = { body, at: now, keeps: keeps(state), stopped: state.stopped !== undefined };
  }
}

function keeps(state: SessionState): number {
  return state.experiments.filter((e) => e?.outcome === "keep").length;
}
