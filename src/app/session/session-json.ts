import { type LedgerEvent, replay, resultsTsv, type SessionState } from "../../core/index.ts";
import type { LedgerRender } from "../../forge/github/index.ts";

/** results.tsv and session.json, rendered from the whole ledger on every append. */
export function renderLedgerFiles(all: LedgerEvent[]): LedgerRender {
  const state = replay(all);
  const started = all.find((e) => e.type === "session");
  return { resultsTsv: resultsTsv(state), session: sessionJson(state, started?.settings ?? {}) };
}

/**
 * session.json: what a person (or a bench) reads first on the ledger branch. Everything in it
 * is derived from the ledger, which stays the one source of truth.
 */
export function sessionJson(state: SessionState, settings: Record<string, unknown>): object {
  const { meta } = state;
  const dispatched = state.experiments.filter((e) => e?.dispatch !== undefined).length;
  const requests = apiRequests(state);
  return {
    session: state.session,
    issue: meta.issue,
    default_branch: meta.defaultBranch,
    base_sha: state.baseSha,
    ratchet_sha: state.ratchetSha,
    settings,
    config: meta.config,
    status_comment_id: meta.statusCommentId,
    promotion_pr: meta.promotionPr,
    closed: meta.closed ?? false,
    stopped: state.stopped,
    experiments: state.experiments.filter((e) => e !== undefined).length,
    api_requests: requests,
    api_requests_per_experiment:
      requests === undefined || dispatched === 0
        ? undefined
        : Math.round((requests / dispatched) * 10) / 10,
  };
}

/** The latest count of API requests the ledger records (on dispatches and at the end). */
export function apiRequests(state: SessionState): number | undefined {
  const counts = state.experiments.flatMap((e) =>
    e?.dispatch?.apiRequests === undefined ? [] : [e.dispatch.apiRequests],
  );
  if (state.meta.apiRequests !== undefined) counts.push(state.meta.apiRequests);
  return counts.length === 0 ? undefined : Math.max(...counts);
}
